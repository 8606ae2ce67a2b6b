import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderItems, orders } from '../src/db/schema.ts';
import { ADA, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { KEYBOARD, learnProduct, MUG, PEN, UUID } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import {
  OrderDocument,
  OrderItemProductsDocument,
  PlaceOrderDocument,
  type PlaceOrderInput,
} from './generated/operations.ts';

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
  it('prices each line from the catalog’s products, computes the total on the server, keeps the lines in the given order, and starts PENDING', async () => {
    const before = Date.now();
    const res = await place({
      currency: 'USD',
      items: [
        { productId: PEN.id, quantity: 2 },
        { productId: MUG.id, quantity: 1 },
      ],
    });

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const placed = res.body.data!.placeOrder;
    expect(placed).toEqual({
      id: expect.stringMatching(UUID),
      status: 'PENDING',
      createdAt: expect.any(String),
      total: { amount: 1750, currency: 'USD' },
      items: [
        {
          sku: 'PEN-RED',
          name: 'Red pen',
          quantity: 2,
          unitPrice: { amount: 250, currency: 'USD' },
          subtotal: { amount: 500, currency: 'USD' },
        },
        {
          sku: 'MUG-BUG',
          name: 'First Bug mug',
          quantity: 1,
          unitPrice: { amount: 1250, currency: 'USD' },
          subtotal: { amount: 1250, currency: 'USD' },
        },
      ],
      user: { id: GRACE.userId },
    });
    const createdAt = Date.parse(placed.createdAt);
    expect(createdAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(createdAt).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it('writes the order and its lines, with their product, SKU, name and price as known now, to the database', async () => {
    const res = await place({
      currency: 'eur',
      items: [
        { productId: KEYBOARD.id, quantity: 1 },
        { productId: KEYBOARD.id.toUpperCase(), quantity: 3 },
      ],
    });
    const placed = res.body.data!.placeOrder;

    const { order, items } = await storedOrder(placed.id);
    expect(order).toEqual({
      id: placed.id,
      userId: GRACE.userId,
      status: 'PENDING',
      currency: 'EUR',
      totalAmount: 4 * 12900,
      createdAt: new Date(placed.createdAt),
      userDeletedAt: null,
    });
    const line = { orderId: placed.id, productId: KEYBOARD.id, sku: 'KB-MECH', name: 'Mechanical keyboard' };
    expect(items).toEqual([
      { ...line, position: 0, quantity: 1, unitPrice: 12900 },
      { ...line, position: 1, quantity: 3, unitPrice: 12900 },
    ]);
  });

  it('keeps a placed order’s prices and names when the catalog later changes the product; the next order takes the new ones', async () => {
    const product = await learnProduct(h.database, { name: 'Tea', priceAmount: 125, currency: 'GBP' });
    const first = await place({ currency: 'GBP', items: [{ productId: product.productId, quantity: 4 }] });
    await learnProduct(
      h.database,
      { ...product, name: 'Earl Grey', priceAmount: 150, version: 2 },
      'product.updated',
    );
    const second = await place({ currency: 'GBP', items: [{ productId: product.productId, quantity: 4 }] });

    const reread = await h.call(OrderItemProductsDocument, { id: first.body.data!.placeOrder.id }, GRACE);
    expect(reread.body.data?.order?.items).toEqual([
      {
        sku: product.sku,
        name: 'Tea',
        unitPrice: { amount: 125 },
        product: { id: product.productId, sku: product.sku },
      },
    ]);
    expect(second.body.data!.placeOrder.items.map(({ name, unitPrice }) => ({ name, unitPrice }))).toEqual([
      { name: 'Earl Grey', unitPrice: { amount: 150, currency: 'GBP' } },
    ]);
    expect(second.body.data!.placeOrder.total).toEqual({ amount: 600, currency: 'GBP' });
  });

  it('accepts the limits: 50 items, quantity 1000, and a total of exactly 2147483647', async () => {
    const free = await learnProduct(h.database, { priceAmount: 0, currency: 'JPY' });
    const cheap = await learnProduct(h.database, { priceAmount: 49, currency: 'JPY' });
    const fifty: PlaceOrderInput = {
      currency: 'JPY',
      items: Array.from({ length: 50 }, (_, i) => ({
        productId: i % 2 ? cheap.productId : free.productId,
        quantity: 1000,
      })),
    };
    const many = await place(fifty);
    expect(many.body.errors).toBeUndefined();
    expect(many.body.data!.placeOrder.items).toHaveLength(50);
    // 25 lines × 1000 × 49
    expect(many.body.data!.placeOrder.total).toEqual({ amount: 1_225_000, currency: 'JPY' });

    const priciest = await learnProduct(h.database, { priceAmount: 2_147_483_647 });
    const largest = await place({ currency: 'USD', items: [{ productId: priciest.productId, quantity: 1 }] });
    expect(largest.body.errors).toBeUndefined();
    expect(largest.body.data!.placeOrder.total).toEqual({ amount: 2_147_483_647, currency: 'USD' });
  });

  it('places the order for the caller, whoever that is (an admin too), and the caller can read it back', async () => {
    const res = await h.call(
      PlaceOrderDocument,
      { input: { currency: 'CHF', items: [{ productId: (await chf()).productId, quantity: 1 }] } },
      ADA,
    );
    const placed = res.body.data!.placeOrder;
    expect(placed.user).toEqual({ id: ADA.userId });

    const read = await h.call(OrderDocument, { id: placed.id }, ADA);
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!.order).toEqual(placed);
  });
});

/** A product sold in CHF, new to orders. */
const chf = () =>
  learnProduct(h.database, {
    productId: randomUUID(),
    name: 'Cuckoo clock',
    priceAmount: 9900,
    currency: 'CHF',
  });
