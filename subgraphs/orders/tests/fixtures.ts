import type { OrdersDatabase } from '../src/db/client.ts';
import { orderItems, orders } from '../src/db/schema.ts';
import type { OrderItemInput, PlaceOrderInput } from './generated/operations.ts';

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

export const orderRef = (id: string) => ({ __typename: 'Order', id });
export const userRef = (id: string) => ({ __typename: 'User', id });

/** A valid one-line order, for tests about something else than the input. */
export const oneLine = (overrides: Partial<OrderItemInput> = {}): PlaceOrderInput => ({
  currency: 'USD',
  items: [{ sku: 'SKU-1', name: 'Thing', quantity: 1, unitPrice: 100, ...overrides }],
});
