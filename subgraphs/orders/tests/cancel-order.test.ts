import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '../src/db/schema.ts';
import {
  ADA,
  ALAN,
  ANONYMOUS,
  EDSGER,
  errorsOf,
  GRACE,
  KATHERINE,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { DEMO_ORDERS, UNKNOWN_ID } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { CancelOrderDocument, OrderDocument } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'cancel');
});
afterAll(async () => {
  await h?.close();
});

const storedStatus = async (id: string) => {
  const [row] = await h.database.db.select({ status: orders.status }).from(orders).where(eq(orders.id, id));
  return row?.status;
};

describe('cancelOrder', () => {
  it("cancels the caller's PENDING order and returns it CANCELLED", async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.gracePending }, GRACE);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.cancelOrder).toEqual({
      id: DEMO_ORDERS.gracePending,
      status: 'CANCELLED',
      total: { amount: 14880, currency: 'EUR' },
      user: { id: GRACE.userId },
    });
    expect(await storedStatus(DEMO_ORDERS.gracePending)).toBe('CANCELLED');
    const read = await h.call(OrderDocument, { id: DEMO_ORDERS.gracePending }, GRACE);
    expect(read.body.data!.order!.status).toBe('CANCELLED');
  });

  it("cancels the caller's PAID order", async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.gracePaid }, GRACE);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.cancelOrder.status).toBe('CANCELLED');
    expect(await storedStatus(DEMO_ORDERS.gracePaid)).toBe('CANCELLED');
  });

  it('refuses a SHIPPED order with BAD_USER_INPUT naming SHIPPED, and leaves it SHIPPED', async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.graceShipped }, GRACE);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: 'Only PENDING or PAID orders can be cancelled; this order is SHIPPED.',
        path: ['cancelOrder'],
        extensions: { code: 'BAD_USER_INPUT', field: 'id' },
      },
    ]);
    expect(await storedStatus(DEMO_ORDERS.graceShipped)).toBe('SHIPPED');
  });

  it('refuses an already CANCELLED order with BAD_USER_INPUT naming CANCELLED', async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.katherineCancelled }, KATHERINE);

    expect(errorsOf(res)).toEqual([
      {
        message: 'Only PENDING or PAID orders can be cancelled; this order is CANCELLED.',
        path: ['cancelOrder'],
        extensions: { code: 'BAD_USER_INPUT', field: 'id' },
      },
    ]);
    expect(await storedStatus(DEMO_ORDERS.katherineCancelled)).toBe('CANCELLED');
  });

  it("refuses another customer's order with FORBIDDEN and leaves it unchanged", async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.alanPending }, GRACE);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: 'This order belongs to another user.',
        path: ['cancelOrder'],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
    expect(await storedStatus(DEMO_ORDERS.alanPending)).toBe('PENDING');
  });

  it("answers FORBIDDEN, not the status, for another customer's order that could not be cancelled anyway", async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.graceShipped }, EDSGER);

    expect(errorsOf(res)).toEqual([
      {
        message: 'This order belongs to another user.',
        path: ['cancelOrder'],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
  });

  it("lets an admin cancel anyone's order", async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.alanPending }, ADA);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.cancelOrder).toEqual({
      id: DEMO_ORDERS.alanPending,
      status: 'CANCELLED',
      total: { amount: 11150, currency: 'GBP' },
      user: { id: ALAN.userId },
    });
    expect(await storedStatus(DEMO_ORDERS.alanPending)).toBe('CANCELLED');
  });

  it.each([
    { behaviour: 'an unknown uuid', id: UNKNOWN_ID },
    { behaviour: 'an id that is not a uuid', id: 'not-a-uuid' },
  ])('answers NOT_FOUND for $behaviour', async ({ id }) => {
    const res = await h.call(CancelOrderDocument, { id }, ADA);

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      { message: `No order has id ${id}.`, path: ['cancelOrder'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  it('refuses an anonymous caller with UNAUTHENTICATED (in an HTTP 200 response) and changes nothing', async () => {
    const res = await h.call(CancelOrderDocument, { id: DEMO_ORDERS.adaPaid }, ANONYMOUS);

    expect(res.status).toBe(200);
    expect(errorsOf(res)).toEqual([
      {
        message: 'You must be logged in to do this.',
        path: ['cancelOrder'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
    expect(await storedStatus(DEMO_ORDERS.adaPaid)).toBe('PAID');
  });
});
