import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderItems, orders } from '../src/db/schema.ts';
import { ADA, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { UUID } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { OrderDocument, PlaceOrderDocument, type PlaceOrderInput } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'place');
});
afterAll(async () => {
  await h?.close();
});

/** Places an order as grace, the customer every test here orders for. */
const place = (input: PlaceOrderInput) => h.call(PlaceOrderDocument, { input }, GRACE);

const storedOrder = async (id: string) => {
  const [order] = await h.database.db.select().from(orders).where(eq(orders.id, id));
  const items = await h.database.db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, id))
    .orderBy(asc(orderItems.position));
  return { order, items };
};

describe('placeOrder', () => {
  it('computes the total on the server, keeps the items in the given order with their subtotals, and starts PENDING', async () => {
    const before = Date.now();
    const res = await place({
      currency: 'USD',
      items: [
        { sku: 'PEN', name: 'Pen', quantity: 2, unitPrice: 500 },
        { sku: 'INK', name: 'Ink', quantity: 1, unitPrice: 250 },
      ],
    });

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const placed = res.body.data!.placeOrder;
    expect(placed).toEqual({
      id: expect.stringMatching(UUID),
      status: 'PENDING',
      createdAt: expect.any(String),
      total: { amount: 1250, currency: 'USD' },
      items: [
        {
          sku: 'PEN',
          name: 'Pen',
          quantity: 2,
          unitPrice: { amount: 500, currency: 'USD' },
          subtotal: { amount: 1000, currency: 'USD' },
        },
        {
          sku: 'INK',
          name: 'Ink',
          quantity: 1,
          unitPrice: { amount: 250, currency: 'USD' },
          subtotal: { amount: 250, currency: 'USD' },
        },
      ],
      user: { id: GRACE.userId },
    });
    const createdAt = Date.parse(placed.createdAt);
    expect(createdAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(createdAt).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it('writes the order and its items, with their positions, to the database', async () => {
    const res = await place({
      currency: 'EUR',
      items: [
        { sku: 'B', name: 'Second letter', quantity: 3, unitPrice: 10 },
        { sku: 'A', name: 'First letter', quantity: 1, unitPrice: 7 },
        { sku: 'C', name: 'Third letter', quantity: 1000, unitPrice: 0 },
      ],
    });
    const placed = res.body.data!.placeOrder;

    const { order, items } = await storedOrder(placed.id);
    expect(order).toEqual({
      id: placed.id,
      userId: GRACE.userId,
      status: 'PENDING',
      currency: 'EUR',
      totalAmount: 37,
      createdAt: new Date(placed.createdAt),
      userDeletedAt: null,
    });
    expect(items).toEqual([
      { orderId: placed.id, position: 0, sku: 'B', name: 'Second letter', quantity: 3, unitPrice: 10 },
      { orderId: placed.id, position: 1, sku: 'A', name: 'First letter', quantity: 1, unitPrice: 7 },
      { orderId: placed.id, position: 2, sku: 'C', name: 'Third letter', quantity: 1000, unitPrice: 0 },
    ]);
  });

  it('normalises the currency to upper case and trims sku and name', async () => {
    const res = await place({
      currency: ' gbp ',
      items: [{ sku: '  TEA-1 ', name: ' Earl Grey  ', quantity: 4, unitPrice: 125 }],
    });

    expect(res.body.errors).toBeUndefined();
    const placed = res.body.data!.placeOrder;
    expect(placed.total).toEqual({ amount: 500, currency: 'GBP' });
    expect(placed.items.map(({ sku, name, unitPrice }) => ({ sku, name, unitPrice }))).toEqual([
      { sku: 'TEA-1', name: 'Earl Grey', unitPrice: { amount: 125, currency: 'GBP' } },
    ]);
    const { order, items } = await storedOrder(placed.id);
    expect(order?.currency).toBe('GBP');
    expect(items.map(({ sku, name }) => ({ sku, name }))).toEqual([{ sku: 'TEA-1', name: 'Earl Grey' }]);
  });

  it('accepts the limits: 50 items, quantity 1000, and a total of exactly 2147483647', async () => {
    const fifty: PlaceOrderInput = {
      currency: 'JPY',
      items: Array.from({ length: 50 }, (_, i) => ({
        sku: `S${i}`,
        name: `Item ${i}`,
        quantity: 1000,
        unitPrice: i,
      })),
    };
    const many = await place(fifty);
    expect(many.body.errors).toBeUndefined();
    expect(many.body.data!.placeOrder.items.map((item) => item.sku)).toEqual(
      fifty.items.map((item) => item.sku),
    );
    // 1000 × (0 + 1 + … + 49)
    expect(many.body.data!.placeOrder.total).toEqual({ amount: 1_225_000, currency: 'JPY' });

    const largest = await place({
      currency: 'USD',
      items: [{ sku: 'MAX', name: 'Largest', quantity: 1, unitPrice: 2_147_483_647 }],
    });
    expect(largest.body.errors).toBeUndefined();
    expect(largest.body.data!.placeOrder.total).toEqual({ amount: 2_147_483_647, currency: 'USD' });
  });

  it('places the order for the caller, whoever that is (an admin too), and the caller can read it back', async () => {
    const res = await h.call(
      PlaceOrderDocument,
      {
        input: {
          currency: 'CHF',
          items: [{ sku: 'CLOCK', name: 'Cuckoo clock', quantity: 1, unitPrice: 9900 }],
        },
      },
      ADA,
    );
    const placed = res.body.data!.placeOrder;
    expect(placed.user).toEqual({ id: ADA.userId });

    const read = await h.call(OrderDocument, { id: placed.id }, ADA);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.order).toEqual(placed);
  });
});
