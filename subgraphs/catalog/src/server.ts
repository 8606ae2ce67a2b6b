import { join } from 'node:path';
import type { Logger } from '@supergraph/service-kit/logger';
import type { ServiceMetrics } from '@supergraph/service-kit/metrics';
import { createSubgraphService } from '@supergraph/service-kit/subgraph';
import { createContext, type CatalogContext } from './context.ts';
import type { CatalogDatabase } from './db/client.ts';
import type { CatalogEnv } from './env.ts';
import { resolvers } from './graphql/resolvers.ts';

/** This subgraph's `.graphql` files; the kit's base SDL is read before them. */
export const SCHEMA_DIR = join(import.meta.dirname, 'graphql');

export interface CatalogServiceDeps {
  env: CatalogEnv;
  logger: Logger;
  database: CatalogDatabase;
  /** Default: a registry of the service's own (`service="catalog"`), served at `/metrics`. */
  metrics?: ServiceMetrics;
}

/** Builds (and starts) the catalog subgraph's Apollo server and HTTP app. Listening is the caller's job. */
export const buildCatalogService = ({ database, ...deps }: CatalogServiceDeps) =>
  createSubgraphService<CatalogContext>({
    ...deps,
    name: 'catalog',
    database,
    schemaDir: SCHEMA_DIR,
    resolvers,
    context: (caller, batches) => createContext({ ...caller, db: database.db }, batches),
  });
