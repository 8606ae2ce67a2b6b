import { join } from 'node:path';
import type { Logger } from '@supergraph/service-kit/logger';
import type { ServiceMetrics } from '@supergraph/service-kit/metrics';
import { createSubgraphService } from '@supergraph/service-kit/subgraph';
import { createContext, type UsersContext } from './context.ts';
import type { UsersDatabase } from './db/client.ts';
import type { UsersEnv } from './env.ts';
import { resolvers } from './graphql/resolvers.ts';

/** This subgraph's `.graphql` files; the kit's base SDL is read before them. */
export const SCHEMA_DIR = join(import.meta.dirname, 'graphql');

export interface UsersServiceDeps {
  env: UsersEnv;
  logger: Logger;
  database: UsersDatabase;
  /** Default: a registry of the service's own (`service="users"`), served at `/metrics`. */
  metrics?: ServiceMetrics;
}

/** Builds (and starts) the users subgraph's Apollo server and HTTP app. Listening is the caller's job. */
export const buildUsersService = ({ env, database, ...deps }: UsersServiceDeps) =>
  createSubgraphService<UsersContext>({
    ...deps,
    name: 'users',
    env,
    database,
    schemaDir: SCHEMA_DIR,
    resolvers,
    context: (caller, batches) =>
      createContext(
        {
          ...caller,
          db: database.db,
          tokens: { secret: env.JWT_SECRET, ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS },
        },
        batches,
      ),
  });
