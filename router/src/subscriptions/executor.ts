import { buildOperationContext } from '@apollo/gateway';
import type { FetchNode } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
} from '@apollo/server-gateway-interface';
import type { Identity } from '@supergraph/service-kit/auth';
import { GraphQLError, type DocumentNode } from 'graphql';
import type { Authorization } from '../authorization/index.ts';
import { usesDefer } from '../defer/detect.ts';
import type { DeferPlanning } from '../defer/planner.ts';
import type { RouterContext } from '../request-scope.ts';
import { SUBGRAPH_UNAVAILABLE } from '../signed-data-source.ts';
import { SubscriptionCode } from './codes.ts';
import type { EventPlan } from './event.ts';
import { LiveSubscription, type LiveDeps, type LiveSpec } from './live.ts';
import type { Registry } from './registry.ts';
import { slotOf } from './slot.ts';

export interface SubscriptionExecutorDeps {
  authorization: Authorization;
  /** The planner and schemas of the supergraph served now (shared with @defer). */
  planning: () => DeferPlanning | undefined;
  registry: Registry;
  /** Whether a subgraph's circuit breaker is open: a subscription to it is refused like its fetches. */
  breakerOpen: (subgraph: string) => boolean;
  live: LiveDeps;
}

/** A subscription that passed authorization and was planned. */
export interface Prepared {
  document: DocumentNode;
  primary: FetchNode;
  plan: EventPlan;
  complete: LiveSpec['complete'];
}

const refusal = (message: string, code: string, status = 400): GatewayExecutionResult => ({
  errors: [new GraphQLError(message, { extensions: { code, http: { status } } })],
});

/**
 * Authorization and planning of one subscription against the supergraph `requestContext.schema` belongs to:
 * at subscribe, and again for every running subscription after a supergraph reload.
 */
export function prepare(
  deps: Pick<SubscriptionExecutorDeps, 'authorization' | 'planning'>,
  requestContext: GatewayGraphQLRequestContext,
  identity: Identity,
): Prepared | GatewayExecutionResult {
  const screened = deps.authorization.screen(
    {
      schema: requestContext.schema,
      document: requestContext.document,
      operation: requestContext.operation,
      queryHash: requestContext.queryHash,
      variables: requestContext.request.variables,
    },
    identity,
  );
  if (screened.kind === 'refused') return screened.result;
  const document = screened.kind === 'filtered' ? screened.document : requestContext.document;
  const planning = deps.planning();
  if (!planning) return refusal('The gateway has not loaded its supergraph yet.', SUBGRAPH_UNAVAILABLE, 503);
  const node = planning.planFor(document, requestContext.operationName).plan.node;
  if (node?.kind !== 'Subscription') {
    return refusal('This subscription could not be planned.', 'INTERNAL_SERVER_ERROR', 500);
  }
  return {
    document,
    primary: node.primary,
    plan: {
      serviceName: node.primary.serviceName,
      rest: node.rest,
      planning,
      operationContext: buildOperationContext({
        schema: requestContext.schema,
        operationDocument: document,
        operationName: requestContext.operationName ?? undefined,
      }),
    },
    complete: screened.kind === 'filtered' ? screened.complete : undefined,
  };
}

/**
 * The gateway executor's handling of subscriptions (@apollo/gateway's own throws "Execution of subscriptions
 * not supported by gateway"). It runs after Apollo's pipeline did everything a query gets — parsing,
 * validation with the depth, alias and directive limits, the cost limit, APQ and trusted documents — and
 * adds what a subscription needs: a signed-in caller, authorization (applied again to every event), the
 * per-connection and per-user limits, and a plan (the subscription fetch to the owning subgraph, then the
 * rest). The subscription itself is handed to the transport on the request's slot; it starts when read.
 */
export function subscriptionExecutor(deps: SubscriptionExecutorDeps) {
  return (executor: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      if (requestContext.operation.operation !== 'subscription') return executor(requestContext);
      const slot = slotOf(requestContext.context);
      if (!slot) {
        return refusal(
          'Subscriptions are served over WebSocket (graphql-ws, at this URL) and Server-Sent Events (POST with Accept: text/event-stream), not over plain HTTP.',
          SubscriptionCode.wrongTransport,
        );
      }
      const context = requestContext.context as RouterContext;
      const { identity } = context;
      if (!identity) {
        return refusal(
          'Subscribing needs a signed-in caller: send the access token (connectionParams Authorization over WebSocket, the Authorization header over SSE).',
          SubscriptionCode.unauthenticated,
          401,
        );
      }
      if (usesDefer(requestContext.document)) {
        return refusal('@defer is not supported in subscriptions: remove it.', 'BAD_USER_INPUT');
      }
      const prepared = prepare(deps, requestContext, identity);
      if (!('primary' in prepared)) return prepared;
      if (deps.breakerOpen(prepared.primary.serviceName)) {
        return refusal(
          'The service behind this subscription is unavailable right now: subscribe again shortly.',
          SUBGRAPH_UNAVAILABLE,
          503,
        );
      }
      const reservation = deps.registry.reserve(identity.userId, slot.connection);
      if (reservation instanceof GraphQLError) {
        return { errors: [reservation] };
      }
      slot.live = new LiveSubscription(
        {
          requestId: context.requestId,
          operationName: requestContext.operationName ?? '',
          transport: slot.transport,
          identity,
          credentialsExpireAt: slot.credentialsExpireAt,
          logger: context.logger,
          schema: requestContext.schema,
          document: prepared.document,
          primary: prepared.primary,
          plan: prepared.plan,
          requestContext,
          complete: prepared.complete,
          reservation,
        },
        deps.live,
      );
      return {};
    };
}
