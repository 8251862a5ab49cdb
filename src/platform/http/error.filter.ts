/**
 * Maps errors on HTTP routes to `{ error: { code, message } }` with the matching status. GraphQL errors are
 * handed back to Apollo (formatGraphQLError) untouched.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { PedigreeError, UnavailableError } from '../errors/errors';
import { ROOT_LOGGER } from '../logging/logger';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_USER_INPUT',
};

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof PedigreeError) {
      // A refused body may still be arriving: close the connection rather than read the rest of it.
      if (exception.httpStatus === 413) res.setHeader('Connection', 'close');
      if (exception instanceof UnavailableError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      const details = exception.details ? { details: exception.details } : {};
      return res.status(exception.httpStatus).json({ error: { code: exception.code, message: exception.message, ...details } });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return res.status(status).json({ error: { code: CODE_BY_STATUS[status] ?? 'BAD_USER_INPUT', message: exception.message } });
    }
    const clientError = exception as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown; limit?: unknown };
    if (typeof clientError.status === 'number' && clientError.status >= 400 && clientError.status < 500 && clientError.expose === true) {
      // body-parser / http-errors: a client error whose message is safe to show.
      const message =
        clientError.type === 'entity.too.large'
          ? `Request body too large: the limit is ${clientError.limit} bytes.`
          : String(clientError.message);
      return res.status(clientError.status).json({ error: { code: CODE_BY_STATUS[clientError.status] ?? 'BAD_USER_INPUT', message } });
    }
    const reference = randomUUID();
    this.logger.error({ err: exception, reference }, 'unhandled error in HTTP request');
    return res.status(500).json({ error: { code: 'INTERNAL', message: `Internal error (reference ${reference}).` } });
  }
}
