import { randomUUID } from 'node:crypto';
import { demoProduct } from '@supergraph/demo-data';
import { createEvent, type EventHandler, type EventType } from '@supergraph/events';
import type { OrdersDatabase, OrdersSchema } from '../src/db/client.ts';
import { orderItems, orders } from '../src/db/schema.ts';
import { ordersEventHandlers } from '../src/events/handlers.ts';
import type { ProductFacts } from '../src/orders/known-products.ts';
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

/** Demo products the seed put in the read model (@supergraph/demo-data). */
export const PEN = demoProduct('PEN-RED'); // 250 USD
export const MUG = demoProduct('MUG-BUG'); // 1250 USD
export const KEYBOARD = demoProduct('KB-MECH'); // 12900 EUR
export const FLOPPY = demoProduct('FLOPPY-8IN'); // archived
/** A well-formed uuid that no product has. */
export const UNKNOWN_PRODUCT = '20000000-0000-4000-8000-0000000000ff';

/** A valid one-line order (one red pen, USD), for tests about something else than the input. */
export const oneLine = (overrides: Partial<OrderItemInput> = {}): PlaceOrderInput => ({
  currency: 'USD',
  items: [{ productId: PEN.id, quantity: 1, ...overrides }],
});

type ProductEventType = Extract<EventType, `product.${string}`>;

/**
 * Tells the orders service about a product as the catalog's event `type` would, through its own event handler
 * (as its consumer does, without the broker). Returns the facts it told: a new product unless `facts` names one.
 */
export async function learnProduct(
  { db }: OrdersDatabase,
  facts: Partial<ProductFacts> = {},
  type: ProductEventType = 'product.created',
): Promise<ProductFacts> {
  const productId = facts.productId ?? randomUUID();
  const told: ProductFacts = {
    productId,
    sku: `SKU-${productId.slice(0, 8).toUpperCase()}`,
    name: 'Test product',
    priceAmount: 100,
    currency: 'USD',
    active: true,
    version: 1,
    ...facts,
  };
  // The handlers map is keyed by type; the three product handlers take the same payload.
  const handler = ordersEventHandlers[type] as EventHandler<OrdersSchema, ProductEventType>;
  await db.transaction((tx) => handler(createEvent(type, productId, told), tx));
  return told;
}
