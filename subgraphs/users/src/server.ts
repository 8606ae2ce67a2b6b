import { join } from 'node:path';
import { loadSchemaDocument } from '@supergraph/service-kit/graphql';
import { type Logger } from '@supergraph/service-kit/logger';
import { createServiceMetrics, type ServiceMetrics } from '@supergraph/service-kit/metrics';
import { createSubgraphService } from '@supergraph/service-kit/subgraph';
import { createContext, type UsersContext } from './context.ts';
import type { UsersDatabase } from './db/client.ts';
import type { UsersEnv } from './env.ts';
import { resolvers } from './graphql/resolvers.ts';

export interface UsersServiceDeps {
  env: UsersEnv;
  logger: Logger;
  database: UsersDatabase;
  /** Default: a registry of the service's own (`service="users"`), served at `/metrics`. */
  metrics?: ServiceMetrics;
}

/** Builds (and starts) the users subgraph's Apollo server and HTTP app. Listening is the caller's job. */
export function buildUsersService({
  env,
  logger,
  database,
  metrics = createServiceMetrics('users'),
}: UsersServiceDeps) {
  return createSubgraphService<UsersContext>({
    env,
    logger,
    metrics,
    database,
    typeDefs: loadSchemaDocument(join(import.meta.dirname, 'graphql')),
    resolvers,
    context: (caller) =>
      createContext(
        {
          ...caller,
          db: database.db,
          tokens: { secret: env.JWT_SECRET, ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS },
        },
        metrics,
      ),
  });
}
