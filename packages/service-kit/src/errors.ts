import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from './db/errors.ts';
import type { Logger } from './logger.ts';

/** Error codes a client can act on; documented in docs/api.md. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** A dependency (the service's database) is down: retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The first request with this Idempotency-Key is still running: retry shortly with the same key. */
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) },
  });
}

/** A field needs a logged-in caller. The response stays HTTP 200: other fields may still have data. */
export function unauthenticated(message = 'You must be logged in to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** The request as a whole is refused (a bad access token): HTTP 401, nothing executed. */
export function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}

export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** Codes that Apollo Server itself produces for client mistakes: safe to show as they are. */
const CLIENT_CODES = new Set([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
]);

/**
 * Apollo `formatError`: errors we raised on purpose (a known code) pass through without stack traces;
 * anything else is a bug or an outage, so it is logged in full and the client sees a generic message.
 */
export function createErrorFormatter(logger: Logger, extraClientCodes: readonly string[] = []) {
  const clientCodes = new Set([...CLIENT_CODES, ...extraClientCodes]);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.['code'];
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    if (typeof code === 'string' && clientCodes.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return { ...formatted, extensions };
    }
    const cause = unwrapResolverError(error);
    if (isDatabaseUnavailable(cause)) {
      logger.warn({ err: cause, path: formatted.path }, 'database unavailable');
      return {
        message: 'The service is temporarily unavailable; try again shortly.',
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    logger.error({ err: cause, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
