import { randomUUID } from 'node:crypto';
import type { Identity } from '@supergraph/service-kit/auth';
import type { GraphQLResponse } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '../src/db/schema.ts';
import {
  ADA,
  ANONYMOUS,
  EDSGER,
  errorsOf,
  GRACE,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { DEMO_ORDERS } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { OrdersDocument, type OrderStatus, type OrdersQuery } from './generated/operations.ts';

const { graceShipped, gracePaid, gracePending, alanPending, katherineCancelled, adaPaid } = DEMO_ORDERS;

/** Follows `endCursor` page by page; returns every id seen and the number of pages it took. */
async function walk(
  h: Started<typeof ordersSubgraph>,
  identity: Identity,
  first: number,
  status?: OrderStatus,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 1; pages <= 1_000; pages++) {
    const res: GraphQLResponse<OrdersQuery> = await h.call(
      OrdersDocument,
      { first, after, ...(status ? { status } : {}) },
      identity,
    );
    expect(res.body.errors).toBeUndefined();
    const { edges, pageInfo } = res.body.data!.orders;
    expect(edges.length).toBeLessThanOrEqual(first);
    ids.push(...edges.map((edge) => edge.node.id));
    expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
    if (!pageInfo.hasNextPage) return { ids, pages };
    after = pageInfo.endCursor;
  }
  throw new Error('pagination never ended');
}

describe('orders', () => {
  let h: Started<typeof ordersSubgraph>;
  beforeAll(async () => {
    h = await startSubgraph(ordersSubgraph, 'orders');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows a customer only their own orders, newest first', async () => {
    const res = await h.call(OrdersDocument, {}, GRACE);

    expect(res.body.errors).toBeUndefined();
    const { edges, pageInfo } = res.body.data!.orders;
    expect(edges.map(({ node }) => node)).toEqual([
      {
        id: gracePending,
        status: 'PENDING',
        createdAt: '2026-02-03T10:00:00.000Z',
        user: { id: GRACE.userId },
      },
      { id: gracePaid, status: 'PAID', createdAt: '2026-02-02T10:00:00.000Z', user: { id: GRACE.userId } },
      {
        id: graceShipped,
        status: 'SHIPPED',
        createdAt: '2026-02-01T10:00:00.000Z',
        user: { id: GRACE.userId },
      },
    ]);
    expect(pageInfo).toEqual({ hasNextPage: false, endCursor: edges[2]!.cursor });
  });

  it('shows a customer without orders an empty connection', async () => {
    const res = await h.call(OrdersDocument, {}, EDSGER);

    expect(res.body).toEqual({
      data: { orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } },
    });
  });

  it("shows an admin everybody's 6 orders, newest first", async () => {
    const res = await h.call(OrdersDocument, {}, ADA);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.orders.edges.map(({ node }) => node.id)).toEqual([
      adaPaid,
      katherineCancelled,
      alanPending,
      gracePending,
      gracePaid,
      graceShipped,
    ]);
    expect(res.body.data!.orders.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status: PAID gives an admin every paid order and a customer only their own', async () => {
    const asAdmin = await h.call(OrdersDocument, { status: 'PAID' }, ADA);
    expect(asAdmin.body.data!.orders.edges.map(({ node }) => [node.id, node.status])).toEqual([
      [adaPaid, 'PAID'],
      [gracePaid, 'PAID'],
    ]);

    const asGrace = await h.call(OrdersDocument, { status: 'PAID' }, GRACE);
    expect(asGrace.body.data!.orders.edges.map(({ node }) => node.id)).toEqual([gracePaid]);

    const none = await h.call(OrdersDocument, { status: 'CANCELLED' }, GRACE);
    expect(none.body.data!.orders).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('visits every order exactly once, newest first, following endCursor with first: 1', async () => {
    const { ids, pages } = await walk(h, ADA, 1);

    expect(ids).toEqual([adaPaid, katherineCancelled, alanPending, gracePending, gracePaid, graceShipped]);
    expect(pages).toBe(6);
  });

  it("pages through a customer's own orders and through a status filter", async () => {
    expect(await walk(h, GRACE, 2)).toEqual({ ids: [gracePending, gracePaid, graceShipped], pages: 2 });
    expect(await walk(h, ADA, 1, 'PAID')).toEqual({ ids: [adaPaid, gracePaid], pages: 2 });
  });

  it('says whether a next page exists when the page is exactly full', async () => {
    const full = await h.call(OrdersDocument, { first: 3 }, GRACE);
    expect(full.body.data!.orders.pageInfo.hasNextPage).toBe(false);

    const short = await h.call(OrdersDocument, { first: 2 }, GRACE);
    expect(short.body.data!.orders.pageInfo.hasNextPage).toBe(true);
  });

  it.each([101, -1])('rejects first: %i with BAD_USER_INPUT on first', async (first) => {
    const res = await h.call(OrdersDocument, { first }, ADA);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: `"first" must be between 0 and 100; got ${first}.`,
        path: ['orders'],
        extensions: { code: 'BAD_USER_INPUT', field: 'first' },
      },
    ]);
  });

  it('accepts first: 100', async () => {
    const res = await h.call(OrdersDocument, { first: 100 }, ADA);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.orders.edges).toHaveLength(6);
  });

  const cursor = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    { behaviour: 'garbage', after: 'garbage' },
    { behaviour: 'an empty string', after: '' },
    {
      behaviour: 'a cursor of another version',
      after: cursor(`v0:["2026-02-01T10:00:00.000Z","${adaPaid}"]`),
    },
    { behaviour: 'a cursor whose JSON is broken', after: cursor('v1:["2026-02-01') },
    { behaviour: 'a cursor with one part', after: cursor(`v1:["${adaPaid}"]`) },
    { behaviour: 'a cursor with an invalid date', after: cursor(`v1:["yesterday","${adaPaid}"]`) },
    { behaviour: 'a cursor with a non-uuid id', after: cursor('v1:["2026-02-01T10:00:00.000Z","x"]') },
  ])('rejects $behaviour as after with BAD_USER_INPUT on after', async ({ after }) => {
    const res = await h.call(OrdersDocument, { after }, GRACE);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: '"after" is not a cursor this API issued; pass an endCursor back as-is.',
        path: ['orders'],
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      },
    ]);
  });

  it.each([
    { behaviour: 'year 10000', date: '+010000-01-01T00:00:00.000Z' },
    { behaviour: 'year 0', date: '0000-01-01T00:00:00.000Z' },
  ])(
    'rejects a forged cursor dated $behaviour (a valid JavaScript date outside 1..9999) with BAD_USER_INPUT on after',
    async ({ date }) => {
      const res = await h.call(OrdersDocument, { after: cursor(`v1:["${date}","${adaPaid}"]`) }, GRACE);

      expect(errorsOf(res)).toEqual([
        {
          message: '"after" is not a cursor this API issued; pass an endCursor back as-is.',
          path: ['orders'],
          extensions: { code: 'BAD_USER_INPUT', field: 'after' },
        },
      ]);
    },
  );

  it('refuses an anonymous caller with UNAUTHENTICATED (in an HTTP 200 response)', async () => {
    const res = await h.call(OrdersDocument, {}, ANONYMOUS);

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: 'You must be logged in to do this.',
        path: ['orders'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
  });
});

describe('orders pagination when orders share a createdAt', () => {
  let h: Started<typeof ordersSubgraph>;
  const customer = { userId: randomUUID(), role: 'CUSTOMER' } as const;
  const sameInstant = new Date('2026-03-01T12:00:00.123Z');
  const tied = Array.from({ length: 5 }, () => randomUUID());
  const older = randomUUID();
  const newer = randomUUID();

  beforeAll(async () => {
    h = await startSubgraph(ordersSubgraph, 'orders_ties');
    await h.database.db.insert(orders).values([
      ...tied.map((id) => ({
        id,
        userId: customer.userId,
        currency: 'USD',
        totalAmount: 1,
        createdAt: sameInstant,
      })),
      {
        id: older,
        userId: customer.userId,
        currency: 'USD',
        totalAmount: 1,
        createdAt: new Date('2026-02-28T00:00:00Z'),
      },
      {
        id: newer,
        userId: customer.userId,
        currency: 'USD',
        totalAmount: 1,
        createdAt: new Date('2026-03-02T00:00:00Z'),
      },
    ]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('breaks ties by id, so first: 1 and first: 2 both visit every order exactly once', async () => {
    const expected = [newer, ...[...tied].sort().reverse(), older];

    expect(await walk(h, customer, 1)).toEqual({ ids: expected, pages: 7 });
    expect(await walk(h, customer, 2)).toEqual({ ids: expected, pages: 4 });
  });

  it("lets an admin page through everybody's orders, the tied ones included, exactly once", async () => {
    const { ids } = await walk(h, ADA, 3);

    expect(ids).toHaveLength(6 + 7);
    expect(new Set(ids).size).toBe(13);
    expect(ids.slice(0, 7)).toEqual([newer, ...[...tied].sort().reverse(), older]);
  });
});
