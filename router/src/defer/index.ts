import type { GraphQLDataSource, ServiceMap } from '@apollo/gateway';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { formattedError } from '../formatted-error.ts';
import type { RouterContext } from '../request-scope.ts';
import { loadApolloResultShaping, type ApolloResultShaping } from '../result-shaping/install.ts';
import { acceptsDeferSpec, usesDefer } from './detect.ts';
import { decideConditions, runDeferredPlan, variablesOf, type SubsequentPayload } from './execute.ts';
import { deferPlanningFor, type DeferPlanning } from './planner.ts';
import { withDeferDirective } from './schema.ts';

/** `@defer` through the gateway (docs/defer.md). Three seams, all in server.ts. */
export interface DeferSupport {
  /** The gateway Apollo Server is given: the API schema declares @defer, the executor runs deferred plans. */
  gateway(inner: GatewayInterface): GatewayInterface;
  /** Wraps ApolloGateway's `buildService`: the executor is given the same data sources as Apollo's. */
  remember<T extends GraphQLDataSource>(name: string, dataSource: T): T;
  /** Turns a deferred request's answer into Apollo Server's incremental body; listed before the response cache. */
  plugin: ApolloServerPlugin<RouterContext>;
  /**
   * The planner and schemas of the supergraph served now, built on first use after each (re)load; shared with
   * subscriptions/, whose plans (a subscription fetch, then the rest) it builds too. Undefined before a load.
   */
  planning(): DeferPlanning | undefined;
  /** The data source of each subgraph, as Apollo's executor has them. */
  readonly serviceMap: ServiceMap;
}

export interface DeferSupportOptions {
  /** The gateway's error formatter: deferred payloads' errors are formatted like the first payload's. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

const DEFER_OUTSIDE_QUERY =
  '@defer is supported in queries only: remove it from this mutation or subscription, or send the deferred ' +
  'fields in a query of their own.';

export function createDeferSupport({ formatError }: DeferSupportOptions): DeferSupport {
  const serviceMap: ServiceMap = Object.create(null) as ServiceMap;
  const streams = new WeakMap<object, AsyncIterable<SubsequentPayload>>();
  let sdl: string | undefined;
  let planning: DeferPlanning | undefined;
  let shaping: ApolloResultShaping | undefined;

  const planningNow = (): DeferPlanning | undefined => {
    if (!sdl) return undefined;
    // Built on the first deferred request after each supergraph (re)load: most deployments never pay for it.
    if (planning?.sdl !== sdl) planning = deferPlanningFor(sdl);
    return planning;
  };
  const shapingModule = (): ApolloResultShaping => {
    if (shaping) return shaping;
    const found = loadApolloResultShaping();
    if (found instanceof Error) throw found;
    return (shaping = found);
  };

  const deferring =
    (executor: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      if (!usesDefer(requestContext.document)) return executor(requestContext);
      if (requestContext.operation.operation !== 'query') {
        return {
          errors: [new GraphQLError(DEFER_OUTSIDE_QUERY, { extensions: { code: 'BAD_USER_INPUT' } })],
        };
      }
      // A client that cannot read parts gets the whole answer at once: the gateway's own planner ignores @defer.
      if (!acceptsDeferSpec(requestContext.request.http?.headers.get('accept')))
        return executor(requestContext);
      const current = planningNow();
      if (!current) return executor(requestContext);
      const planned = current.planFor(requestContext.document, requestContext.operationName);
      const variables = variablesOf(planned, requestContext.request.variables);
      const top = planned.plan.node;
      const root = top?.kind === 'Subscription' ? undefined : decideConditions(top, planned, variables);
      // `@defer(if: false)` everywhere: an ordinary answer.
      if (root?.kind !== 'Defer') return executor(requestContext);
      const context = requestContext.context as RouterContext;
      const { initial, subsequent } = await runDeferredPlan({
        requestContext,
        planned,
        root,
        planning: current,
        serviceMap,
        shaping: shapingModule(),
        variables,
        signal: AbortSignal.any([context.deadline, context.clientGone()]),
      });
      streams.set(context, subsequent);
      return initial;
    };

  const formatted = (error: GraphQLError): GraphQLFormattedError => formattedError(error, formatError);
  async function* formattedStream(payloads: AsyncIterable<SubsequentPayload>) {
    for await (const payload of payloads) {
      yield {
        hasNext: payload.hasNext,
        ...(payload.incremental
          ? {
              incremental: payload.incremental.map(({ errors, ...part }) => ({
                ...part,
                ...(errors ? { errors: errors.map(formatted) } : {}),
              })),
            }
          : {}),
      };
    }
  }

  // Stateless, so one listener object serves every request.
  const listener: GraphQLRequestListener<RouterContext> = {
    willSendResponse(requestContext) {
      // Synchronous on purpose: plugins listed after this one (the response cache) see the incremental body.
      const subsequent = streams.get(requestContext.contextValue);
      const body = requestContext.response.body;
      if (subsequent && body.kind === 'single') {
        streams.delete(requestContext.contextValue);
        requestContext.response.body = {
          kind: 'incremental',
          initialResult: { ...body.singleResult, hasNext: true },
          subsequentResults: formattedStream(subsequent),
        };
      }
      return Promise.resolve();
    },
  };

  return {
    gateway(inner) {
      return {
        async load(options) {
          const loaded = await inner.load(options);
          return { ...loaded, executor: loaded.executor && deferring(loaded.executor) };
        },
        onSchemaLoadOrUpdate(callback) {
          return inner.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
            sdl = coreSupergraphSdl;
            callback({ apiSchema: withDeferDirective(apiSchema), coreSupergraphSdl });
          });
        },
        stop: () => inner.stop(),
      };
    },
    remember(name, dataSource) {
      serviceMap[name] = dataSource;
      return dataSource;
    },
    plugin: { requestDidStart: () => Promise.resolve(listener) },
    planning: planningNow,
    serviceMap,
  };
}
