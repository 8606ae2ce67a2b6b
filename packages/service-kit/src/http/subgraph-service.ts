import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Identity } from '../auth/identity.ts';
import type { DatabaseUsage } from '../db/usage.ts';
import { createErrorFormatter } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { loadSchemaDocument } from '../graphql/schema-files.ts';
import { createServiceMetrics, type ServiceMetrics } from '../metrics/service-metrics.ts';
import { identityOf, requireGatewaySignature } from './gateway-guard.ts';
import { createGraphQLApp } from './graphql-app.ts';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key.ts';
import { requestInfoPlugin } from './request-info.ts';
import {
  createSubscriptionServer,
  TOO_MANY_SUBSCRIPTIONS,
  type SubscriptionServer,
} from '../subscriptions/server.ts';

/** What every subgraph request carries before the service adds its own (loaders, db). */
export interface SubgraphRequestBase {
  identity: Identity;
  requestId: string;
  logger: Logger;
  /** The client's Idempotency-Key header, forwarded by the gateway; parsed where a mutation uses it. */
  idempotencyKey: string | readonly string[] | undefined;
}

export interface SubgraphServiceOptions<TContext extends BaseContext> {
  /** Labels metrics (`service="<name>"`). */
  name: string;
  env: { NODE_ENV: string; INTERNAL_SECRET: string; CACHE_MAX_AGE_SECONDS: number };
  logger: Logger;
  /** Default: a registry of the service's own, served at `/metrics`. */
  metrics?: ServiceMetrics | undefined;
  database: { ready(): Promise<void>; readonly usage: DatabaseUsage };
  /** The folder of the subgraph's `.graphql` files; the kit's base SDL comes first. */
  schemaDir: string;
  /** The subgraph's resolver map, typed by its generated `Resolvers`. */
  resolvers: object;
  /** Builds the per-request context from the verified caller; `metrics` counts DataLoader batches. */
  context: (base: SubgraphRequestBase, metrics: ServiceMetrics) => TContext;
  /**
   * For a subgraph with a `Subscription` type: serve it over graphql-ws on the same port and `/graphql`
   * (see subscriptions/server.ts). Each subscription's context is `context(...)` as for a request.
   */
  subscriptions?: {
    /** Subscriptions one gateway connection may hold at once. */
    maxPerConnection: number;
    /** The context one event executes with, from the subscription's (e.g. with fresh loaders). */
    eventContext(context: TContext, payload: unknown): TContext;
    /** False while events cannot be delivered: subscribing then fails with SERVICE_UNAVAILABLE. */
    available?(): boolean;
  };
}

/** A running subgraph service: its HTTP app, and its WebSocket endpoint when it serves subscriptions. */
export interface SubgraphService {
  app: ReturnType<typeof createGraphQLApp>;
  /** Attach `websocket.upgrade` to the HTTP server's `upgrade` event; `websocket.close()` before closing it. */
  websocket: SubscriptionServer | undefined;
  metrics: ServiceMetrics;
  /** Ends the WebSocket connections (1001) and stops Apollo. */
  stop(): Promise<void>;
}

/**
 * What every subgraph is: a federated schema served by Apollo Server behind the gateway signature, with
 * masked errors, cache hints for the gateway, no inline tracing, metrics and health. Starts Apollo; the
 * caller listens.
 */
export async function createSubgraphService<TContext extends BaseContext>(
  options: SubgraphServiceOptions<TContext>,
): Promise<SubgraphService & { apollo: ApolloServer<TContext> }> {
  const { env, logger, database, metrics = createServiceMetrics(options.name) } = options;
  metrics.observeDatabase(database.usage);
  // The generated resolver types are stricter than Apollo's resolver map type; this is the one boundary cast.
  const schema = buildSubgraphSchema({
    typeDefs: loadSchemaDocument(options.schemaDir),
    resolvers: options.resolvers as GraphQLSchemaModule['resolvers'],
  });
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (onShutdownSignal): Apollo's own handler re-raises SIGTERM and cuts it short.
    stopOnTerminationSignals: false,
    introspection: env.NODE_ENV !== 'production',
    plugins: [
      // Inline traces (ftv1) cost time on every request and are only useful with Apollo's cloud reporting.
      ApolloServerPluginInlineTraceDisabled(),
      requestInfoPlugin(),
      // Cache hints travel to the gateway in the Cache-Control header; types marked PRIVATE keep them per caller.
      ApolloServerPluginCacheControl({ defaultMaxAge: env.CACHE_MAX_AGE_SECONDS }),
    ],
  });
  await apollo.start();

  const app = createGraphQLApp<TContext>({
    apollo,
    logger,
    metrics,
    guard: requireGatewaySignature(env.INTERNAL_SECRET, logger),
    readiness: () => database.ready(),
    context: async (req, res, scope) =>
      options.context(
        {
          identity: identityOf(res.locals),
          requestId: scope.requestId,
          logger: scope.logger,
          idempotencyKey: req.headers[IDEMPOTENCY_KEY_HEADER],
        },
        metrics,
      ),
  });
  const live = options.subscriptions;
  const websocket = live
    ? createSubscriptionServer<TContext>({
        schema,
        secret: env.INTERNAL_SECRET,
        logger,
        maxPerConnection: live.maxPerConnection,
        registry: metrics.registry,
        formatError: createErrorFormatter(logger, [TOO_MANY_SUBSCRIPTIONS]),
        context: (caller) => options.context({ ...caller, idempotencyKey: undefined }, metrics),
        eventContext: live.eventContext,
        ...(live.available ? { available: live.available } : {}),
      })
    : undefined;
  return {
    app,
    apollo,
    metrics,
    websocket,
    async stop() {
      await websocket?.close();
      await apollo.stop();
    },
  };
}

export { runSubgraph, type SubgraphProcess } from './run-subgraph.ts';
export { serveSubgraph, type SubgraphDefinition } from './serve-subgraph.ts';
