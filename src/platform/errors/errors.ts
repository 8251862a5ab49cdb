/**
 * Domain errors: services throw these; one filter (graphql/format-error.ts, http/error.filter.ts) maps
 * them to GraphQL `extensions.code` and HTTP status. Messages are written for the caller to act on.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export abstract class PedigreeError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly httpStatus: number;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends PedigreeError {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly httpStatus = 400;
}
export class NotFoundError extends PedigreeError {
  readonly code = 'NOT_FOUND' as const;
  readonly httpStatus = 404;
}
export class ConflictError extends PedigreeError {
  readonly code = 'CONFLICT' as const;
  readonly httpStatus = 409;
}
export class UnauthenticatedError extends PedigreeError {
  readonly code = 'UNAUTHENTICATED' as const;
  readonly httpStatus = 401;
}
export class ForbiddenError extends PedigreeError {
  readonly code = 'FORBIDDEN' as const;
  readonly httpStatus = 403;
}
/** The request body is larger than the route accepts; nothing of it was stored. */
export class PayloadTooLargeError extends PedigreeError {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly httpStatus = 413;
}
/**
 * A dependency (the database) is unavailable, or the service is too busy, for now; the same request may
 * succeed later. On HTTP routes the answer carries `Retry-After` (seconds).
 */
export class UnavailableError extends PedigreeError {
  readonly code = 'UNAVAILABLE' as const;
  readonly httpStatus = 503;
  constructor(
    message: string,
    details?: Record<string, unknown>,
    readonly retryAfterSeconds = 5,
  ) {
    super(message, details);
  }
}
/** Too many failed attempts from this source; it may try again after the window. */
export class RateLimitedError extends PedigreeError {
  readonly code = 'RATE_LIMITED' as const;
  readonly httpStatus = 429;
}
