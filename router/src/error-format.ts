import type { GraphQLFormattedError } from 'graphql';
import { createErrorFormatter } from '@supergraph/service-kit/errors';
import { type Logger } from '@supergraph/service-kit/logger';
import type { RouterEnv } from './env.ts';
import { LimitCode, limitCodeOf } from './limits.ts';
import { SUBGRAPH_UNAVAILABLE } from './signed-data-source.ts';
import { UNAUTHORIZED_FIELD_OR_TYPE } from './authorization/filter.ts';
import { SubscriptionCode } from './subscriptions/codes.ts';

/**
 * The kit's formatter (known codes pass, anything else is masked and logged; SUBGRAPH_UNAVAILABLE tells the
 * client which part of its answer is missing and that retrying later may help) plus two gateway concerns:
 * graphql-armor's limit errors get the code of the limit they enforce; and in production the
 * subgraph that raised an error (`serviceName`) is internal topology that clients do not need.
 */
export function createGatewayErrorFormatter(env: RouterEnv, logger: Logger) {
  const base = createErrorFormatter(logger, [
    ...Object.values(LimitCode),
    SUBGRAPH_UNAVAILABLE,
    UNAUTHORIZED_FIELD_OR_TYPE,
    ...Object.values(SubscriptionCode),
  ]);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Apollo raises an APQ hash mismatch (a client error, HTTP 400) without a code: give it one.
    const limit =
      formatted.message === 'provided sha does not match query'
        ? 'PERSISTED_QUERY_HASH_MISMATCH'
        : limitCodeOf(formatted.message);
    const result = limit
      ? {
          ...formatted,
          message: formatted.message.replace(/^Syntax Error: /, ''),
          extensions: { code: limit },
        }
      : formatted;
    const shown = base(result, error);
    if (env.NODE_ENV !== 'production' || !shown.extensions?.['serviceName']) return shown;
    const { serviceName: _serviceName, ...extensions } = shown.extensions;
    return { ...shown, extensions };
  };
}
