import type { ApolloServerPlugin } from '@apollo/server';
import { MAX_PAGE_SIZE } from '@supergraph/service-kit';
import { GraphQLError } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { LimitCode } from './limits.ts';

/**
 * Lists multiply cost: a field with a `first` argument costs `first` times its selection. Arguments arrive
 * coerced — variables substituted, defaults applied — which is why this uses graphql-query-complexity
 * rather than graphql-armor's cost limit: armor reads only literal `first` values, and an operation that
 * passes `first` as a variable slips past it entirely.
 */
const listEstimator =
  (oversized: { field: string; first: number }[]): ComplexityEstimator =>
  ({ field, args, childComplexity }) => {
    if (!('first' in args)) return undefined;
    const first = typeof args['first'] === 'number' ? args['first'] : 20;
    if (first > MAX_PAGE_SIZE || first < 0) oversized.push({ field: field.name, first });
    return 1 + Math.max(first, 1) * childComplexity;
  };

/**
 * Refuses, before any query plan runs, operations whose estimated cost exceeds `maxCost` and list fields
 * asking for more than 100 items. The operation never reaches a subgraph.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          const oversized: { field: string; first: number }[] = [];
          const cost = getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            operationName: operationName ?? undefined,
            estimators: [listEstimator(oversized), simpleEstimator({ defaultComplexity: 1 })],
          });
          const [tooLong] = oversized;
          if (tooLong) {
            throw new GraphQLError(
              `"first" must be between 0 and ${MAX_PAGE_SIZE}; ${tooLong.field} asked for ${tooLong.first}.`,
              { extensions: { code: 'BAD_USER_INPUT', field: 'first', http: { status: 400 } } },
            );
          }
          if (cost > maxCost) {
            throw new GraphQLError(
              `The operation is too expensive: cost ${cost} exceeds the limit of ${maxCost}. Ask for fewer items or fields.`,
              { extensions: { code: LimitCode.cost, cost, maxCost, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
