import { join } from 'node:path';
import type { Logger } from '@supergraph/service-kit/logger';
import type { ServiceMetrics } from '@supergraph/service-kit/metrics';
import { createSubgraphService } from '@supergraph/service-kit/subgraph';
import { createContext, type OrdersContext } from './context.ts';
import type { OrdersDatabase } from './db/client.ts';
import type { OrdersEnv } from './env.ts';
import { resolvers } from './graphql/resolvers.ts';

/** This subgraph's `.graphql` files; the kit's base SDL is read before them. */
export const SCHEMA_DIR = join(import.meta.dirname, 'graphql');

export interface OrdersServiceDeps {
  env: OrdersEnv;
  logger: Logger;
  database: OrdersDatabase;
  /** Default: a registry of the service's own (`service="orders"`), served at `/metrics`. */
  metrics?: ServiceMetrics;
}

/** Builds (and starts) the orders subgraph's Apollo server and HTTP app. Listening is the caller's job. */
export const buildOrdersService = ({ database, ...deps }: OrdersServiceDeps) =>
  createSubgraphService<OrdersContext>({
    ...deps,
    name: 'orders',
    database,
    schemaDir: SCHEMA_DIR,
    resolvers,
    context: (caller, batches) => createContext({ ...caller, db: database.db }, batches),
  });
