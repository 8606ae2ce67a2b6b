import { demoUser } from '@supergraph/demo-data';
import type { OrdersDb } from './client.ts';
import { orderItems, orders, type OrderStatus } from './schema.ts';

interface DemoOrder {
  id: string;
  email: Parameters<typeof demoUser>[0];
  status: OrderStatus;
  currency: string;
  items: { sku: string; name: string; quantity: number; unitPrice: number }[];
}

const DEMO_ORDERS: DemoOrder[] = [
  {
    id: '10000000-0000-4000-8000-000000000001',
    email: 'grace@example.com',
    status: 'SHIPPED',
    currency: 'USD',
    items: [
      { sku: 'BOOK-COBOL', name: 'COBOL for Beginners', quantity: 1, unitPrice: 3999 },
      { sku: 'MUG-BUG', name: 'First Bug mug', quantity: 2, unitPrice: 1250 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000002',
    email: 'grace@example.com',
    status: 'PAID',
    currency: 'USD',
    items: [
      { sku: 'WIRE-30CM', name: 'Nanosecond wire (30 cm)', quantity: 10, unitPrice: 199 },
      { sku: 'PEN-RED', name: 'Red pen', quantity: 3, unitPrice: 250 },
      { sku: 'NOTE-A5', name: 'A5 notebook', quantity: 2, unitPrice: 899 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000003',
    email: 'grace@example.com',
    status: 'PENDING',
    currency: 'EUR',
    items: [
      { sku: 'KB-MECH', name: 'Mechanical keyboard', quantity: 1, unitPrice: 12900 },
      { sku: 'CABLE-USBC', name: 'USB-C cable', quantity: 2, unitPrice: 990 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000004',
    email: 'alan@example.com',
    status: 'PENDING',
    currency: 'GBP',
    items: [
      { sku: 'TAPE-PAPER', name: 'Paper tape (infinite)', quantity: 5, unitPrice: 450 },
      { sku: 'BOMBE-KIT', name: 'Bombe model kit', quantity: 1, unitPrice: 8900 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000005',
    email: 'katherine@example.com',
    status: 'CANCELLED',
    currency: 'USD',
    items: [
      { sku: 'SLIDE-RULE', name: 'Slide rule', quantity: 1, unitPrice: 5600 },
      { sku: 'GRAPH-PAD', name: 'Graph paper pad', quantity: 4, unitPrice: 375 },
    ],
  },
  {
    id: '10000000-0000-4000-8000-000000000006',
    email: 'ada@example.com',
    status: 'PAID',
    currency: 'GBP',
    items: [
      { sku: 'PUNCH-CARDS', name: 'Punched cards (100)', quantity: 3, unitPrice: 1200 },
      { sku: 'GEAR-SET', name: 'Brass gear set', quantity: 1, unitPrice: 7450 },
    ],
  },
];

/** Inserts the demo orders once, each with its items; running it again changes nothing. */
export async function seedDemoOrders(db: OrdersDb): Promise<number> {
  return db.transaction(async (tx) => {
    let inserted = 0;
    for (const [index, order] of DEMO_ORDERS.entries()) {
      const totalAmount = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
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
      await tx
        .insert(orderItems)
        .values(order.items.map((item, position) => ({ ...item, orderId: order.id, position })));
      inserted += 1;
    }
    return inserted;
  });
}
