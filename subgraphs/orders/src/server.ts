import { join } from 'node:path';
import type { Logger } from '@supergraph/service-kit/logger';
import { createSubgraphService } from '@supergraph/service-kit/subgraph';
import { SUBSCRIPTION_CLOSE_CODES } from '@supergraph/service-kit/subscriptions';
import { createServiceMetrics, type ServiceMetrics } from '@supergraph/service-kit/metrics';
import { createContext, createLoaders, type OrdersContext } from './context.ts';
import { createOrderFeed } from './live/feed.ts';
import { createOrderUpdates, type OrderUpdate } from './live/order-updates.ts';
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

/**
 * Builds (and starts) the orders subgraph: its Apollo server and HTTP app, and its subscriptions over
 * graphql-ws (`websocket`, fed by this process's live order feed, started here and stopped with the service).
 * Listening is the caller's job.
 */
export async function buildOrdersService({ database, ...deps }: OrdersServiceDeps) {
  const metrics = deps.metrics ?? createServiceMetrics('orders');
  const updates = createOrderUpdates({
    createLoaders: () => createLoaders(database.db, metrics),
    logger: deps.logger,
    following: () => feed.following(),
  });
  let interrupt = () => {};
  const feed = createOrderFeed({
    env: deps.env,
    logger: deps.logger,
    database,
    updates,
    onInterrupted: () => interrupt(),
  });
  const service = await createSubgraphService<OrdersContext>({
    ...deps,
    metrics,
    name: 'orders',
    database,
    schemaDir: SCHEMA_DIR,
    resolvers,
    context: (caller, batches) => createContext({ ...caller, db: database.db, live: updates }, batches),
    subscriptions: {
      maxPerConnection: deps.env.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      // Each event runs with the loaders it was read with (shared by every subscriber of that event).
      eventContext: (context, update) => ({ ...context, loaders: (update as OrderUpdate).loaders }),
      // When the change was written (its event's occurredAt, ms before the commit): delivery latency starts there.
      eventExtensions: (update) => ({ occurredAt: (update as OrderUpdate).occurredAt }),
      available: () => feed.live,
    },
  });
  const websocket = service.websocket!;
  interrupt = () =>
    void websocket.closeAll(
      SUBSCRIPTION_CLOSE_CODES.TRY_AGAIN_LATER,
      'live updates interrupted; subscribe again',
    );
  await feed.start();
  return {
    ...service,
    websocket,
    feed,
    async stop() {
      await service.stop();
      await feed.stop();
    },
  };
}
