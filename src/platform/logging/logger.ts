/** Structured JSON logs (pino). The API key header is redacted everywhere. */
import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino, { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { PedigreeConfig } from '../config/config';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export function createRootLogger(config: Pick<PedigreeConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'pedigree' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.apiKey', '*.key'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** Nest's own log lines (start-up, routes) through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/**
 * One JSON line per HTTP request (method, URL, status, time, request id; the API key redacted). A caller's
 * `x-request-id` is kept when it is a plain token, so logs can be joined across services. Plain middleware:
 * no AsyncLocalStorage, which would tax every promise of every request.
 */
export function requestLogger(logger: Logger): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return pinoHttp({
    logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/health/live' },
  });
}
