import type { RequestListener, Server } from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import {
  createAccessTokenVerifier,
  createInternalTokenSigner,
  signStreamToken,
} from '@supergraph/service-kit/auth';
import { createGraphQLApp, requestInfoPlugin } from '@supergraph/service-kit/http';
import { type Logger } from '@supergraph/service-kit/logger';
import { createServiceMetrics, type ServiceMetrics } from '@supergraph/service-kit/metrics';
import { createContextBuilder } from './context.ts';
import { createAuthorization } from './authorization/index.ts';
import { createEnforcingGateway } from './authorization/supported-features.ts';
import { corsPolicy } from './cors.ts';
import type { RouterEnv } from './env.ts';
import { createGatewayErrorFormatter } from './error-format.ts';
import { createDeferSupport } from './defer/index.ts';
import { landingPage } from './landing-page.ts';
import { costLimitPlugin } from './cost.ts';
import { armorProtection, tokenLimit } from './limits.ts';
import { createGatewayMetrics, createSubscriptionMetrics } from './metrics.ts';
import type { DedupStats } from './inflight-dedup.ts';
import { createRateLimiter } from './rate-limit.ts';
import {
  createResponseCache,
  schemaHashOf,
  type ResponseCache,
  type ResponseCacheStats,
} from './response-cache/index.ts';
import { createRequestScopes, type RouterContext } from './request-scope.ts';
import { createSubgraphFetchers } from './subgraph-fetch.ts';
import { createSubgraphHealth, type SubgraphHealth } from './subgraph-health.ts';
import { createSubgraphRouting } from './subgraph-routing.ts';
import { readSupergraph } from './supergraph.ts';
import { watchedSupergraph } from './supergraph-watch.ts';
import { trustedDocumentsFor } from './trusted-documents/setup.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions/index.ts';

export type RouterApp = ReturnType<typeof createGraphQLApp>;

export interface Router {
  /** The HTTP app (`/graphql`, `/health/*`). Exists once `start()` resolved: Apollo refuses to serve before. */
  readonly app: RouterApp;
  /** Loads the supergraph and starts Apollo; rejects with a clear error when the supergraph cannot be served. */
  start(): Promise<void>;
  /** Stops Apollo, the gateway and the rate limiter. Close the HTTP server first so in-flight requests finish. */
  stop(): Promise<void>;
  /** Serves subscriptions over WebSocket (graphql-ws) on the server's upgrades to `/graphql`; call after listening. */
  attach(server: Server): void;
  /**
   * Ends every subscription with a retryable close and refuses new ones: call first on shutdown, before closing
   * the HTTP server (which would otherwise wait for the open streams).
   */
  drainSubscriptions(): Promise<void>;
  /** The subscriptions running now. */
  readonly subscriptions: Pick<Subscriptions, 'active'>;
  /** Each subgraph's state (up, down, breaker open), as `/health/ready` reports it. */
  readonly health: SubgraphHealth;
  /** The gateway's Prometheus metrics. */
  readonly metrics: ServiceMetrics;
  /** `/metrics` alone, for the internal METRICS_PORT: the public port does not serve it. */
  readonly metricsApp: RequestListener;
  /** Subgraph fetches answered by an identical one already in flight. */
  readonly dedupStats: DedupStats;
  /** Response-cache lookups since start (hit, miss, bypass); undefined while RESPONSE_CACHE=off. */
  readonly responseCacheStats: ResponseCacheStats | undefined;
}

export interface RouterOptions {
  /** Default: a registry of the gateway's own (`service="gateway"`). */
  metrics?: ServiceMetrics;
}

/** Builds the gateway without doing any I/O; `start()` loads the supergraph and connects to Redis. */
export function buildRouter(env: RouterEnv, logger: Logger, options: RouterOptions = {}): Router {
  // @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata endpoints
  // (169.254.169.254) at construction; its only switch is this variable, read in the constructor.
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  const health = createSubgraphHealth({ logger, recoveryProbeMs: env.BREAKER_RECOVERY_PROBE_MS });
  const metrics = options.metrics ?? createServiceMetrics('gateway');
  const gatewayMetrics = createGatewayMetrics(metrics.registry, health);
  const dedupStats: DedupStats = { shared: 0 };
  const routing = createSubgraphRouting({
    env,
    logger,
    health,
    fetchers: createSubgraphFetchers(logger, health, gatewayMetrics),
    dedupStats,
    onRetired: (name) => gatewayMetrics.forget(name),
  });
  // A request's token is parsed and verified once, for the rate limiter, the response cache and the context.
  const verifyAccessToken = createAccessTokenVerifier(env.JWT_SECRET);
  const scopes = createRequestScopes(verifyAccessToken);
  const signInternalToken = createInternalTokenSigner(env.INTERNAL_SECRET);
  const armor = armorProtection(env);
  const formatError = createGatewayErrorFormatter(env, logger);
  const context = createContextBuilder({
    scopes,
    signInternalToken,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
  });
  // The seam of trusted documents (TRUSTED_DOCUMENTS): its manifest is watched with the supergraph, compiled
  // for the one served (onSchemaLoadOrUpdate), resolves ids for Apollo's APQ and screens requests first.
  // Declarative authorization (docs/authorization.md): before planning, for Apollo's path and the fast path.
  const authorization = createAuthorization({ mode: env.AUTHORIZATION_MODE });
  const trusted = trustedDocumentsFor(env, {
    permits: authorization.permits,
    logger,
    registry: metrics.registry,
    validationRules: armor.validationRules,
    context,
    formatError,
    serviceMap: () => routing.serviceMap(),
  });
  // @defer: a seam around the gateway, its data sources and Apollo's response body (docs/defer.md).
  const defer = createDeferSupport({ formatError });
  let apollo: ApolloServer<RouterContext> | undefined;
  // Subscriptions (docs/subscriptions.md): planned with @defer's planner, run through Apollo's pipeline.
  const subscriptions = createSubscriptions({
    logger: logger.child({ component: 'subscriptions' }),
    maxPerConnection: env.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    maxPerUser: env.MAX_SUBSCRIPTIONS_PER_USER,
    maxTokens: env.MAX_TOKENS,
    maxPayloadBytes: env.MAX_BODY_BYTES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    validationRules: armor.validationRules,
    authorization,
    trusted,
    planning: () => defer.planning(),
    serviceMap: () => routing.serviceMap(),
    subgraphUrl: (name) => routing.urls[name],
    breakerOpen: (name) => health.state(name) === 'open',
    verifyAccessToken,
    signInternalToken,
    signStreamToken: (identity, until) => signStreamToken(identity, env.INTERNAL_SECRET, until),
    formatError,
    metrics: createSubscriptionMetrics(metrics.registry),
    apollo: () => {
      if (!apollo) throw new Error('The router has not started.');
      return apollo;
    },
    // Sockets are served once started, when the limiter exists.
    admit: (identity, address) => rateLimiter?.admit(identity, address) ?? Promise.resolve(undefined),
  });
  const gateway = createEnforcingGateway({
    supergraphSdl: env.SUPERGRAPH_WATCH
      ? watchedSupergraph(env.SUPERGRAPH_PATH, logger, { companion: trusted?.companion })
      : async () => ({ supergraphSdl: await readSupergraph(env.SUPERGRAPH_PATH) }),
    buildService: (service) => defer.remember(service.name, routing.buildService(service)),
    logger: logger.child({ component: 'apollo-gateway' }),
    experimental_approximateQueryPlanStoreMiB: env.QUERY_PLAN_CACHE_MIB,
  });
  // The response cache keys answers by the supergraph they were computed on (it may be hot-reloaded).
  let schemaHash: string | undefined;
  // SUBGRAPH_<NAME>_* variables that match no subgraph: they stop the start, and are logged after a reload.
  let overrideProblems: string[] = [];
  let trustedProblems: string[] = [];
  let authorizationProblems: string[] = [];
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    schemaHash = schemaHashOf(coreSupergraphSdl);
    authorizationProblems = authorization.served(coreSupergraphSdl);
    if (serving && authorizationProblems.length > 0) {
      logger.error(
        { problems: authorizationProblems },
        'the supergraph names policies the gateway does not have',
      );
    }
    trustedProblems = trusted?.served(coreSupergraphSdl) ?? [];
    overrideProblems = routing.served(coreSupergraphSdl);
    if (serving && overrideProblems.length > 0) {
      logger.warn({ problems: overrideProblems }, 'per-subgraph settings that apply to no subgraph');
    }
    if (serving) logger.info({ subgraphs: routing.urls }, 'gateway routes to these subgraphs');
  });

  let rateLimiter: ReturnType<typeof createRateLimiter> | undefined;
  let responseCache: ResponseCache | undefined;
  let app: RouterApp | undefined;
  let serving = false;
  return {
    health,
    metrics,
    dedupStats,
    get responseCacheStats() {
      return responseCache?.stats;
    },
    metricsApp: metricsAppOf(metrics),
    get app() {
      if (!app) throw new Error('The router has not started: await router.start() before using router.app.');
      return app;
    },
    async start() {
      await trusted?.load();
      responseCache =
        env.RESPONSE_CACHE === 'off'
          ? undefined
          : createResponseCache({
              env,
              logger,
              registry: metrics.registry,
              schema: () => schemaHash,
              scopes,
            });
      apollo = new ApolloServer<RouterContext>({
        // Authorization outside @defer: the deferred planner sees only what the caller may read.
        // Subscriptions outside authorization: they apply its decision to every event themselves.
        gateway: subscriptions.gateway(authorization.gateway(defer.gateway(gateway))),
        logger: logger.child({ component: 'apollo-server' }),
        formatError,
        // Shutdown is ours (onShutdownSignal): Apollo's own handler re-raises SIGTERM and cuts it short.
        stopOnTerminationSignals: false,
        includeStacktraceInErrorResponses: false,
        // Arrays of operations in one request multiply the work behind a single rate-limit point.
        allowBatchedHttpRequests: false,
        ...(trusted ? { persistedQueries: { cache: trusted.apqCache } } : {}),
        introspection: env.NODE_ENV !== 'production',
        csrfPrevention: true,
        validationRules: armor.validationRules,
        plugins: [
          ...armor.plugins,
          costLimitPlugin(env.MAX_COST),
          await landingPage(env),
          requestInfoPlugin(),
          // Cache hints from the subgraphs decide what the response cache keeps; clients get no Cache-Control
          // header, because a browser's or CDN's copy could not be invalidated by a mutation.
          ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
          // Before the response cache: it must see a deferred answer as incremental, and so never store it.
          defer.plugin,
          ...(responseCache ? [responseCache.plugin] : []),
        ],
      });
      await apollo.start();
      if (overrideProblems.length > 0) {
        await apollo.stop();
        throw new Error(
          `Per-subgraph settings that apply to no subgraph of ${env.SUPERGRAPH_PATH}: ${overrideProblems.join('; ')}. ` +
            'Fix the variable names (SUBGRAPH_<NAME>_*, <NAME> being the subgraph name upper-cased) or remove them.',
        );
      }
      if (authorizationProblems.length > 0) {
        await apollo.stop();
        throw new Error(
          `The supergraph at ${env.SUPERGRAPH_PATH} cannot be enforced: ${authorizationProblems.join('; ')}. ` +
            'Add the policy to router/src/authorization/policies.ts or remove it from the subgraph.',
        );
      }
      if (trustedProblems.length > 0) {
        await apollo.stop();
        throw new Error(
          `The trusted documents at ${env.TRUSTED_DOCUMENTS_MANIFEST} do not compile against ${env.SUPERGRAPH_PATH}: ${trustedProblems.join('; ')}. ` +
            'Run `npm run codegen` and deploy the manifest with the supergraph it was checked against.',
        );
      }
      rateLimiter = createRateLimiter(env, logger, scopes);
      app = createGraphQLApp({
        apollo,
        logger,
        metrics,
        // The public port never shows metrics; see metricsApp and METRICS_PORT.
        serveMetrics: false,
        bodyLimit: env.MAX_BODY_BYTES,
        before: [corsPolicy(env.CORS_ORIGINS), rateLimiter.middleware],
        // Trusted documents first: free text refused in enforce is never lexed, looked up or parsed. Then a cache
        // hit is answered: its request passed every screen when its answer was stored.
        screen: [
          ...(trusted ? [trusted.screen] : []),
          ...(responseCache ? [responseCache.front] : []),
          tokenLimit(env.MAX_TOKENS),
          subscriptions.sse,
        ],
        context,
        readiness: async () => {
          if (!serving) throw new Error('the gateway has not loaded its supergraph');
          const subgraphs = await health.check();
          const states = Object.values(subgraphs);
          // Degraded, not unready, while at least one subgraph answers: the gateway still serves partial
          // data, and taking every replica out of the load balancer for one subgraph's outage would turn a
          // partial outage into a total one. The body names each subgraph's state for monitoring.
          const allUp = states.every((state) => state === 'up');
          return {
            ready: states.some((state) => state === 'up'),
            details: { status: allUp ? 'ready' : 'degraded', subgraphs },
          };
        },
      });
      serving = true;
      logger.info(
        { supergraph: env.SUPERGRAPH_PATH, subgraphs: routing.urls },
        'gateway loaded the supergraph',
      );
    },
    attach: (server) => subscriptions.attach(server),
    drainSubscriptions: () => subscriptions.drain(),
    subscriptions,
    async stop() {
      serving = false;
      await subscriptions.drain();
      await apollo?.stop();
      await rateLimiter?.close();
      await responseCache?.close();
      routing.shutdown();
    },
  };
}

function metricsAppOf(metrics: ServiceMetrics): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metrics.handler);
  return app;
}
