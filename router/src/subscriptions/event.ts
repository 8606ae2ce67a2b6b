import { executeQueryPlan, type buildOperationContext, type ServiceMap } from '@apollo/gateway';
import type { PlanNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, type FormattedExecutionResult } from 'graphql';
import { REPLAY_FETCH, REPLAY_SERVICE, replayOf } from '../defer/execute.ts';
import type { DeferPlanning } from '../defer/planner.ts';
import type { RouterContext } from '../request-scope.ts';

/** What running the rest of a subscription's plan needs, fixed for as long as the plan stays valid. */
export interface EventPlan {
  /** The owning subgraph (the subscription fetch's), named in the errors of its events. */
  serviceName: string;
  /** Everything after the subscription fetch: the other subgraphs' fetches for each event. */
  rest: PlanNode | undefined;
  planning: DeferPlanning;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/**
 * Resolves one event: the owning subgraph's data goes into Apollo's executor as if its subscription fetch had
 * just answered (the pseudo fetch that @defer uses for a part's base data), the rest of the plan runs on top
 * of it with the gateway's data sources — so the other subgraphs' fetches get the same signed identity,
 * breakers, timeouts, in-flight dedup and retries as any query — and the installed result shaping builds the
 * client's answer. A fetch that fails gives its fields' errors (partial data); nothing here throws.
 */
export async function resolveEvent(
  plan: EventPlan,
  event: FormattedExecutionResult,
  requestContext: GatewayGraphQLRequestContext,
  context: RouterContext,
  serviceMap: ServiceMap,
): Promise<{ data?: Record<string, unknown> | null; errors?: GraphQLError[] }> {
  const data = (event.data ?? Object.create(null)) as Record<string, unknown>;
  try {
    const result = await executeQueryPlan(
      {
        kind: 'QueryPlan',
        node: plan.rest ? { kind: 'Sequence', nodes: [REPLAY_FETCH, plan.rest] } : REPLAY_FETCH,
      },
      { ...serviceMap, [REPLAY_SERVICE]: replayOf(data, event.errors) },
      {
        ...requestContext,
        context,
        // A fresh object per execution, as Apollo's own executions have: nothing is kept between events.
        request: { ...requestContext.request, variables: { ...requestContext.request.variables } },
      },
      plan.operationContext,
      plan.planning.supergraphSchema,
      plan.planning.apiSchema,
    );
    const errors = result.errors?.map((error) => ownedBy(error as GraphQLError, plan.serviceName));
    return { data: result.data ?? null, ...(errors?.length ? { errors } : {}) };
  } catch (error) {
    return {
      data: null,
      errors: [error instanceof GraphQLError ? error : new GraphQLError(String((error as Error).message))],
    };
  }
}

/** The event's own errors came through the pseudo fetch: they are the owning subgraph's. */
function ownedBy(error: GraphQLError, serviceName: string): GraphQLError {
  if (error.extensions['serviceName'] !== REPLAY_SERVICE) return error;
  return new GraphQLError(error.message, {
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
    extensions: { ...error.extensions, serviceName },
  });
}
