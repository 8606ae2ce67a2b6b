import type { GraphQLError, GraphQLFormattedError } from 'graphql';

/** The gateway's error formatter (error-format.ts), as every path that answers a client takes it. */
export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * What Apollo's normalizeAndFormatErrors does to one error, for the paths that answer outside its pipeline
 * (@defer's later parts, subscription events, the trusted-document fast path): the error gets a code
 * (INTERNAL_SERVER_ERROR when it has none), then goes through the gateway's formatter, which masks unknown ones.
 */
export function formattedError(
  error: GraphQLError,
  formatError: ErrorFormatter,
  extensions: Readonly<Record<string, unknown>> = error.extensions,
): GraphQLFormattedError {
  return formatError(
    { ...error.toJSON(), extensions: { ...extensions, code: extensions['code'] ?? 'INTERNAL_SERVER_ERROR' } },
    error,
  );
}
