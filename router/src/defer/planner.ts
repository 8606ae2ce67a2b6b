import { operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import { buildServedSupergraph } from '../authorization/supported-features.ts';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** A plan with @defer honoured, and the operation it was planned from (variable defaults, types along paths). */
export interface DeferPlan {
  plan: QueryPlan;
  operation: Operation;
}

/** What executing a deferred plan needs of one supergraph: the schemas Apollo's executor takes, and a planner. */
export interface DeferPlanning {
  readonly sdl: string;
  readonly supergraphSchema: GraphQLSchema;
  readonly apiSchema: Schema;
  planFor(document: DocumentNode, operationName: string | null): DeferPlan;
}

/**
 * A second query planner, with incremental delivery on, beside the gateway's own (which keeps @defer off, so
 * every other request is planned and executed exactly as before). Plans are kept per parsed document: Apollo
 * Server parses a given query string once and hands out the same DocumentNode, so repeated operations plan once.
 */
export function deferPlanningFor(sdl: string): DeferPlanning {
  const supergraph = buildServedSupergraph(sdl);
  const apiSchema = supergraph.apiSchema();
  const planner = new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } });
  const plans = new WeakMap<DocumentNode, Map<string, DeferPlan>>();
  return {
    sdl,
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    apiSchema,
    planFor(document, operationName) {
      let byName = plans.get(document);
      if (!byName) plans.set(document, (byName = new Map()));
      const key = operationName ?? '';
      let planned = byName.get(key);
      if (!planned) {
        const operation = operationFromDocument(apiSchema, document, {
          ...(operationName ? { operationName } : {}),
        });
        planned = { plan: planner.buildQueryPlan(operation), operation: operation.expandAllFragments() };
        byName.set(key, planned);
      }
      return planned;
    },
  };
}
