import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper/index.js';
import {
  createErrorFormatter,
  createGraphQLApp,
  createServiceMetrics,
  identityOf,
  requestInfoPlugin,
  requireGatewaySignature,
  type Logger,
  type ServiceMetrics,
} from '@supergraph/service-kit';
import { createContext, type UsersContext } from './context.ts';
import type { UsersDatabase } from './db/client.ts';
import type { UsersEnv } from './env.ts';
import { resolvers } from './graphql/resolvers.ts';
import { loadTypeDefs } from './graphql/schema-files.ts';

export interface UsersServiceDeps {
  env: UsersEnv;
  logger: Logger;
  database: UsersDatabase;
  /** Default: a registry of the service's own (`service="users"`), served at `/metrics`. */
  metrics?: ServiceMetrics;
}

/** Builds (and starts) the users subgraph's Apollo server and HTTP app. Listening is the caller's job. */
export async function buildUsersService({
  env,
  logger,
  database,
  metrics = createServiceMetrics('users'),
}: UsersServiceDeps) {
  metrics.observeDatabase(database.usage);
  // The generated resolver types are stricter than Apollo's resolver map type; this is the one boundary cast.
  const schema = buildSubgraphSchema({
    typeDefs: loadTypeDefs(),
    resolvers: resolvers as GraphQLSchemaModule['resolvers'],
  });
  const apollo = new ApolloServer<UsersContext>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (onShutdownSignal): Apollo's own handler re-raises SIGTERM and cuts it short.
    stopOnTerminationSignals: false,
    introspection: env.NODE_ENV !== 'production',
    // Inline traces (ftv1) cost time on every request and are only useful with Apollo's cloud reporting.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      requestInfoPlugin(),
      // Cache hints travel to the gateway in the Cache-Control header; types marked PRIVATE keep them per caller.
      ApolloServerPluginCacheControl({ defaultMaxAge: env.CACHE_MAX_AGE_SECONDS }),
    ],
  });
  await apollo.start();

  const app = createGraphQLApp<UsersContext>({
    apollo,
    logger,
    metrics,
    guard: requireGatewaySignature(env.INTERNAL_SECRET, logger),
    readiness: () => database.ready(),
    context: async (_req, res, scope) =>
      createContext(
        {
          identity: identityOf(res.locals),
          requestId: scope.requestId,
          logger: scope.logger,
          db: database.db,
          tokens: { secret: env.JWT_SECRET, ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS },
        },
        metrics,
      ),
  });
  return { app, apollo, metrics, stop: () => apollo.stop() };
}
