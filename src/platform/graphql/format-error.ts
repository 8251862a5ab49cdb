/**
 * Maps every error that reaches a GraphQL response to a stable `extensions.code` and a message the caller
 * can act on. Domain errors keep their message; validation errors list what is wrong; anything else is
 * INTERNAL with a reference id, logged with its stack — never a stack trace or SQL in the response.
 */
import { BadRequestException, HttpException } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { PedigreeError } from '../errors/errors';

const PASS_THROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'BAD_REQUEST',
]);

function validationMessage(err: BadRequestException): string {
  const body = err.getResponse() as { message?: string | string[] };
  const parts = Array.isArray(body.message) ? body.message : [body.message ?? err.message];
  return `Invalid input: ${parts.join('; ')}`;
}

export function formatGraphQLError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof PedigreeError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...(original.details ?? {}) } };
    }
    if (original instanceof BadRequestException) {
      return { ...base, message: validationMessage(original), extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (original instanceof HttpException && original.getStatus() === 401) {
      return { ...base, message: original.message, extensions: { code: 'UNAUTHENTICATED' } };
    }
    if (original instanceof HttpException && original.getStatus() === 403) {
      return { ...base, message: original.message, extensions: { code: 'FORBIDDEN' } };
    }
    const code = formatted.extensions?.code;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'RATE_LIMITED') {
      // Raised by our own plugins before execution (authentication of the whole operation).
      return { ...base, message: formatted.message, extensions: { code } };
    }
    if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
      // Parse, validation and variable-coercion errors describe the caller's document: safe and useful.
      return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const reference = randomUUID();
    logger.error({ err: original, reference, path: formatted.path }, 'unhandled error in GraphQL request');
    return {
      ...base,
      message: `Internal error (reference ${reference}); the server log has the details.`,
      extensions: { code: 'INTERNAL', reference },
    };
  };
}
