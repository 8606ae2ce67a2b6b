import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  ALAN,
  ANONYMOUS,
  errorsOf,
  GRACE,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { DEMO_ORDERS, UNKNOWN_ID } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { OrderDocument, type OrderQuery } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'order');
});
afterAll(async () => {
  await h?.close();
});

/** Grace's SHIPPED demo order, as the API shows it. */
const GRACE_SHIPPED: NonNullable<OrderQuery['order']> = {
  id: DEMO_ORDERS.graceShipped,
  status: 'SHIPPED',
  createdAt: '2026-02-01T10:00:00.000Z',
  total: { amount: 6499, currency: 'USD' },
  items: [
    {
      sku: 'BOOK-COBOL',
      name: 'COBOL for Beginners',
      quantity: 1,
      unitPrice: { amount: 3999, currency: 'USD' },
      subtotal: { amount: 3999, currency: 'USD' },
    },
    {
      sku: 'MUG-BUG',
      name: 'First Bug mug',
      quantity: 2,
      unitPrice: { amount: 1250, currency: 'USD' },
      subtotal: { amount: 2500, currency: 'USD' },
    },
  ],
  user: { id: GRACE.userId },
};

describe('order(id)', () => {
  it("returns the caller's own order with its items, total and user reference", async () => {
    const res = await h.call(OrderDocument, { id: DEMO_ORDERS.graceShipped }, GRACE);

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ order: GRACE_SHIPPED });
  });

  it("refuses a customer someone else's order with FORBIDDEN", async () => {
    const res = await h.call(OrderDocument, { id: DEMO_ORDERS.graceShipped }, ALAN);

    expect(res.body.data).toEqual({ order: null });
    expect(errorsOf(res)).toEqual([
      { message: 'This order belongs to another user.', path: ['order'], extensions: { code: 'FORBIDDEN' } },
    ]);
  });

  it("returns anyone's order to an admin", async () => {
    const res = await h.call(OrderDocument, { id: DEMO_ORDERS.graceShipped }, ADA);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ order: GRACE_SHIPPED });
  });

  it.each([
    { behaviour: 'an unknown uuid', id: UNKNOWN_ID },
    { behaviour: 'an id that is not a uuid', id: 'not-a-uuid' },
  ])('returns null without an error for $behaviour', async ({ id }) => {
    const res = await h.call(OrderDocument, { id }, GRACE);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { order: null } });
  });

  it.each([
    { behaviour: 'an existing order', id: DEMO_ORDERS.graceShipped },
    { behaviour: 'an unknown order', id: UNKNOWN_ID },
  ])(
    'refuses an anonymous caller with UNAUTHENTICATED (in an HTTP 200 response) for $behaviour',
    async ({ id }) => {
      const res = await h.call(OrderDocument, { id }, ANONYMOUS);

      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ order: null });
      expect(errorsOf(res)).toEqual([
        {
          message: 'You must be logged in to do this.',
          path: ['order'],
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ]);
    },
  );
});
