import { DEMO_PRODUCTS, demoProduct, demoUser, type DemoSku } from '@supergraph/demo-data';
import { recordProductFacts } from '../orders/known-products.ts';
import type { OrdersDb } from './client.ts';
import { orderItems, orders, type OrderStatus } from './schema.ts';

interface DemoOrder {
  id: string;
  email: Parameters<typeof demoUser>[0];
  status: OrderStatus;
  currency: string;
  /** Lines of demo products (@supergraph/demo-data), at their demo prices. */
  items: { sku: DemoSku; quantity: number }[];
}

const DEMO_ORDERS: DemoOrder[] = [
  {
    id: '10000000-0000-4000-8000-000000000001',
    email: 'grace@example.com',
    status: 'SHIPPED',
    currency: 'USD',
    items: [
      { sku: 'BOOK-COBOL', quantity: 1 },
      { sku: 'MUG-BUG', quantity: 2 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000002',
    email: 'grace@example.com',
    status: 'PAID',
    currency: 'USD',
    items: [
      { sku: 'WIRE-30CM', quantity: 10 },
      { sku: 'PEN-RED', quantity: 3 },
      { sku: 'NOTE-A5', quantity: 2 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000003',
    email: 'grace@example.com',
    status: 'PENDING',
    currency: 'EUR',
    items: [
      { sku: 'KB-MECH', quantity: 1 },
      { sku: 'CABLE-USBC', quantity: 2 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000004',
    email: 'alan@example.com',
    status: 'PENDING',
    currency: 'GBP',
    items: [
      { sku: 'TAPE-PAPER', quantity: 5 },
      { sku: 'BOMBE-KIT', quantity: 1 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000005',
    email: 'katherine@example.com',
    status: 'CANCELLED',
    currency: 'USD',
    items: [
      { sku: 'SLIDE-RULE', quantity: 1 },
      { sku: 'GRAPH-PAD', quantity: 4 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000006',
    email: 'ada@example.com',
    status: 'PAID',
    currency: 'GBP',
    items: [
      { sku: 'PUNCH-CARDS', quantity: 3 },
      { sku: 'GEAR-SET', quantity: 1 },
    ],
  },
];

/** When the demo catalogue became known: older than any event a running catalog publishes. */
const DEMO_CATALOGUE_SINCE = new Date(Date.UTC(2026, 0, 1, 9));

/**
 * The demo catalogue in the read model of products, as catalog's events would have written it, so demo
 * products can be ordered without a broker. Never overwrites a newer version that events brought.
 */
async function seedKnownDemoProducts(tx: OrdersDb): Promise<void> {
  for (const product of DEMO_PRODUCTS) {
    await recordProductFacts(
      tx,
      {
        productId: product.id,
        sku: product.sku,
        name: product.name,
        priceAmount: product.price,
        currency: product.currency,
        active: product.active,
        version: product.version,
      },
      DEMO_CATALOGUE_SINCE,
    );
  }
}

const lineOf = (item: DemoOrder['items'][number], position: number) => {
  const product = demoProduct(item.sku);
  return {
    position,
    productId: product.id,
    sku: product.sku,
    name: product.name,
    quantity: item.quantity,
    unitPrice: product.price,
  };
};

/**
 * Writes the demo catalogue into the read model of products, then inserts the demo orders once, each with its
 * lines of demo products; running it again changes nothing.
 */
export async function seedDemoOrders(db: OrdersDb): Promise<number> {
  return db.transaction(async (tx) => {
    await seedKnownDemoProducts(tx);
    let inserted = 0;
    for (const [index, order] of DEMO_ORDERS.entries()) {
      const lines = order.items.map(lineOf);
      const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
      const rows = await tx
        .insert(orders)
        .values({
          id: order.id,
          userId: demoUser(order.email).id,
          status: order.status,
          currency: order.currency,
          totalAmount,
          createdAt: new Date(Date.UTC(2026, 1, 1 + index, 10)),
        })
        .onConflictDoNothing()
        .returning({ id: orders.id });
      if (rows.length === 0) continue;
      await tx.insert(orderItems).values(lines.map((line) => ({ ...line, orderId: order.id })));
      inserted += 1;
    }
    return inserted;
  });
}
