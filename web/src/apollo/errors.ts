import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

/** The `extensions.code` values the gateway and subgraphs answer with (docs/api.md). */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SUBGRAPH_UNAVAILABLE'
  | 'UNAUTHORIZED_FIELD_OR_TYPE'
  | 'PERSISTED_QUERY_NOT_IN_LIST';

export const codeOf = (error: GraphQLFormattedError): string | undefined =>
  typeof error.extensions?.['code'] === 'string' ? error.extensions['code'] : undefined;

/** The GraphQL errors of an Apollo Client error (none for a network failure). */
export const graphQLErrorsOf = (error: unknown): readonly GraphQLFormattedError[] =>
  CombinedGraphQLErrors.is(error) ? error.errors : [];

/** Whether the gateway refused the caller's token: the request as a whole (401) or a field of it. */
export function isUnauthenticated(error: unknown): boolean {
  if (ServerError.is(error) && error.statusCode === 401) return true;
  return graphQLErrorsOf(error).some((graphQLError) => codeOf(graphQLError) === 'UNAUTHENTICATED');
}

/**
 * A mutation's errors split for a form: each BAD_USER_INPUT with `extensions.field` goes next to that field
 * (`email`, `items.0.quantity`), everything else is said once for the whole form.
 */
export function formErrorsOf(error: unknown): { fields: Record<string, string>; form: string | null } {
  const fields: Record<string, string> = {};
  const others: string[] = [];
  const graphQLErrors = graphQLErrorsOf(error);
  for (const graphQLError of graphQLErrors) {
    const field = graphQLError.extensions?.['field'];
    if (codeOf(graphQLError) === 'BAD_USER_INPUT' && typeof field === 'string' && !(field in fields)) {
      fields[field] = graphQLError.message;
    } else {
      others.push(describeGraphQLError(graphQLError));
    }
  }
  if (graphQLErrors.length === 0 && error) others.push(describeError(error));
  return { fields, form: others.length > 0 ? [...new Set(others)].join(' ') : null };
}

/** One sentence a person can act on, for any error Apollo Client reports. */
export function describeError(error: unknown): string {
  const graphQLErrors = graphQLErrorsOf(error);
  if (graphQLErrors.length > 0) return [...new Set(graphQLErrors.map(describeGraphQLError))].join(' ');
  if (ServerError.is(error)) {
    return error.statusCode === 429
      ? 'Too many requests: wait a moment and try again.'
      : `The gateway answered with an error (HTTP ${error.statusCode}). Try again in a moment.`;
  }
  return 'The service cannot be reached. Check your connection and try again.';
}

function describeGraphQLError(error: GraphQLFormattedError): string {
  switch (codeOf(error)) {
    case 'SUBGRAPH_UNAVAILABLE':
      return 'This part of the shop is temporarily unavailable. Try again in a moment.';
    case 'UNAUTHORIZED_FIELD_OR_TYPE':
      return 'You are not allowed to see this.';
    case 'PERSISTED_QUERY_NOT_IN_LIST':
      return 'This version of the app is out of date: reload the page.';
    default:
      return error.message;
  }
}

/** The errors at or below `path` in the result (e.g. ['me', 'orders']): a part of a page that failed. */
export const errorsUnder = (error: unknown, path: readonly (string | number)[]) =>
  graphQLErrorsOf(error).filter((graphQLError) =>
    path.every((segment, index) => graphQLError.path?.[index] === segment),
  );
