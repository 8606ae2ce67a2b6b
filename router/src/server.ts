import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createErrorFormatter, createGraphQLApp, type Logger } from '@supergraph/service-kit';
import { createContextBuilder, type RouterContext } from './context.ts';
import { subgraphUrlsOf, type RouterEnv } from './env.ts';
import { SignedSubgraphDataSource, fetchWithTimeout } from './signed-data-source.ts';
import { readSupergraph, routeFor } from './supergraph.ts';

export type RouterApp = ReturnType<typeof createGraphQLApp>;

export interface Router {
  readonly apollo: ApolloServer<RouterContext>;
  /** The HTTP app (`/graphql`, `/health/*`). Exists once `start()` resolved: Apollo refuses to serve before. */
  readonly app: RouterApp;
  /** Loads the supergraph and starts Apollo; rejects with a clear error when the supergraph cannot be served. */
  start(): Promise<void>;
  /** Stops Apollo and the gateway. Close the HTTP server first so in-flight requests can finish. */
  stop(): Promise<void>;
}

/** Builds the gateway without doing any I/O; `start()` loads the supergraph. */
export function buildRouter(env: RouterEnv, logger: Logger): Router {
  const urls = subgraphUrlsOf(env);
  const fetcher = fetchWithTimeout(env.SUBGRAPH_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl: async () => ({ supergraphSdl: await readSupergraph(env.SUPERGRAPH_PATH) }),
    buildService: (service) =>
      new SignedSubgraphDataSource({ url: routeFor(service, urls, env.SUPERGRAPH_PATH), fetcher }),
    logger: logger.child({ component: 'apollo-gateway' }),
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    logger: logger.child({ component: 'apollo-server' }),
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: env.NODE_ENV !== 'production',
  });

  let app: RouterApp | undefined;
  let serving = false;
  return {
    apollo,
    get app() {
      if (!app) throw new Error('The router has not started: await router.start() before using router.app.');
      return app;
    },
    async start() {
      await apollo.start();
      app = createGraphQLApp({
        apollo,
        logger,
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
      await apollo.stop();
    },
  };
}
