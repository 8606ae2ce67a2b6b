import { startSubgraph } from '@supergraph/testing/subgraph';
import { openOrdersDatabase, type OrdersDatabase } from '../src/db/client.ts';
import { orderItems, orders } from '../src/db/schema.ts';
import { seedDemoOrders } from '../src/db/seed.ts';
import { loadEnv } from '../src/env.ts';
import { buildOrdersService } from '../src/server.ts';

/** The orders subgraph on a free port and a database of its own, seeded with the demo orders. */
export const startOrders = (label: string, env?: Record<string, string>) =>
  startSubgraph(
    {
      name: 'orders',
      loadEnv,
      openDatabase: openOrdersDatabase,
      buildService: buildOrdersService,
      seed: (database) => seedDemoOrders(database.db),
    },
    label,
    env,
  );
export type OrdersHarness = Awaited<ReturnType<typeof startOrders>>;

/** The seeded demo orders (src/db/seed.ts), by owner and status; createdAt grows with the last digit. */
export const DEMO_ORDERS = {
  graceShipped: '10000000-0000-4000-8000-000000000001',
  gracePaid: '10000000-0000-4000-8000-000000000002',
  gracePending: '10000000-0000-4000-8000-000000000003',
  alanPending: '10000000-0000-4000-8000-000000000004',
  katherineCancelled: '10000000-0000-4000-8000-000000000005',
  adaPaid: '10000000-0000-4000-8000-000000000006',
} as const;

/** A well-formed uuid that no order has. */
export const UNKNOWN_ID = '10000000-0000-4000-8000-0000000000ff';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How many rows the orders and order_items tables hold. */
export async function rowCounts({ db }: OrdersDatabase): Promise<{ orders: number; items: number }> {
  const [orderRows, itemRows] = await Promise.all([db.$count(orders), db.$count(orderItems)]);
  return { orders: orderRows, items: itemRows };
}
