import type { GraphQLResponse } from '@supergraph/testing';

/** A GraphQL error without its source locations, which depend on the query's layout. */
export interface PlainError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export function errorsOf(response: GraphQLResponse<unknown>): PlainError[] {
  return (response.body.errors ?? []).map(({ message, path, extensions }) => ({
    message,
    ...(path ? { path } : {}),
    ...(extensions ? { extensions } : {}),
  }));
}

/** The codes of a response's errors, in order. */
export const codesOf = (response: GraphQLResponse<unknown>): unknown[] =>
  (response.body.errors ?? []).map((error) => error.extensions?.['code']);
