import type { SubgraphDefinition } from '@supergraph/service-kit/subgraph';
import { openOrdersDatabase, type OrdersDatabase } from './db/client.ts';
import { seedDemoOrders } from './db/seed.ts';
import { loadEnv, type OrdersEnv } from './env.ts';
import { createOrdersEvents } from './events/index.ts';
import { buildOrdersService } from './server.ts';

/** The orders subgraph's parts: src/index.ts serves it, the tests start it (@supergraph/subgraph-testing). */
export const ordersSubgraph: SubgraphDefinition<OrdersEnv, OrdersDatabase> = {
  name: 'orders',
  loadEnv,
  openDatabase: openOrdersDatabase,
  buildService: buildOrdersService,
  createEvents: createOrdersEvents,
  seed: ({ db }) => seedDemoOrders(db),
};
