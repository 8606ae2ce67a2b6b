import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createGraphQLApp, type Logger } from '@supergraph/service-kit';
import { createContextBuilder, type RouterContext } from './context.ts';
import { corsPolicy } from './cors.ts';
import { subgraphUrlsOf, type RouterEnv } from './env.ts';
import { createGatewayErrorFormatter } from './error-format.ts';
import { landingPage } from './landing-page.ts';
import { costLimitPlugin } from './cost.ts';
import { armorProtection, tokenLimit } from './limits.ts';
import { createRateLimiter } from './rate-limit.ts';
import { SignedSubgraphDataSource, fetchWithTimeout } from './signed-data-source.ts';
import { readSupergraph, routeFor } from './supergraph.ts';

export type RouterApp = ReturnType<typeof createGraphQLApp>;

export interface Router {
  /** The HTTP app (`/graphql`, `/health/*`). Exists once `start()` resolved: Apollo refuses to serve before. */
  readonly app: RouterApp;
  /** Loads the supergraph and starts Apollo; rejects with a clear error when the supergraph cannot be served. */
  start(): Promise<void>;
  /** Stops Apollo, the gateway and the rate limiter. Close the HTTP server first so in-flight requests finish. */
  stop(): Promise<void>;
}

/** Builds the gateway without doing any I/O; `start()` loads the supergraph and connects to Redis. */
export function buildRouter(env: RouterEnv, logger: Logger): Router {
  const urls = subgraphUrlsOf(env);
  const fetcher = fetchWithTimeout(env.SUBGRAPH_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl: async () => ({ supergraphSdl: await readSupergraph(env.SUPERGRAPH_PATH) }),
    buildService: (service) =>
      new SignedSubgraphDataSource({ url: routeFor(service, urls, env.SUPERGRAPH_PATH), fetcher }),
    logger: logger.child({ component: 'apollo-gateway' }),
  });

  let apollo: ApolloServer<RouterContext> | undefined;
  let rateLimiter: ReturnType<typeof createRateLimiter> | undefined;
  let app: RouterApp | undefined;
  let serving = false;
  return {
    get app() {
      if (!app) throw new Error('The router has not started: await router.start() before using router.app.');
      return app;
    },
    async start() {
      const armor = armorProtection(env);
      apollo = new ApolloServer<RouterContext>({
        gateway,
        logger: logger.child({ component: 'apollo-server' }),
        formatError: createGatewayErrorFormatter(env, logger),
        includeStacktraceInErrorResponses: false,
        // Arrays of operations in one request multiply the work behind a single rate-limit point.
        allowBatchedHttpRequests: false,
        introspection: env.NODE_ENV !== 'production',
        csrfPrevention: true,
        validationRules: armor.validationRules,
        plugins: [...armor.plugins, costLimitPlugin(env.MAX_COST), await landingPage(env)],
      });
      await apollo.start();
      rateLimiter = createRateLimiter(env, logger);
      app = createGraphQLApp({
        apollo,
        logger,
        bodyLimit: env.MAX_BODY_BYTES,
        before: [corsPolicy(env.CORS_ORIGINS), rateLimiter.middleware],
        screen: [tokenLimit(env.MAX_TOKENS)],
        context: createContextBuilder({ jwtSecret: env.JWT_SECRET, internalSecret: env.INTERNAL_SECRET }),
        readiness: async () => {
          if (!serving) throw new Error('the gateway has not loaded its supergraph');
        },
      });
      serving = true;
      logger.info({ supergraph: env.SUPERGRAPH_PATH, subgraphs: urls }, 'gateway loaded the supergraph');
    },
    async stop() {
      serving = false;
      await apollo?.stop();
      await rateLimiter?.close();
    },
  };
}
