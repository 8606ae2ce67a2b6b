import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * Identical, overlapping subgraph queries of one caller share a fetch; different callers and mutations never
 * do. The orders subgraph is slowed down so that concurrent requests really overlap.
 */
let stack: Stack;
let noDedup: Stack;
let grace: string;
let alan: string;

beforeAll(async () => {
  [stack, noDedup] = await Promise.all([
    startStack('dedup', { gateway: { RATE_LIMIT_POINTS: '100000' } }),
    startStack('nodedup', { gateway: { RATE_LIMIT_POINTS: '100000', DEDUPLICATE_INFLIGHT: 'false' } }),
  ]);
  grace = await stack.logIn('grace@example.com');
  alan = await stack.logIn('alan@example.com');
  const slow = async () => {
    await sleep(200);
    return false;
  };
  stack.intercept('orders', slow);
  noDedup.intercept('orders', slow);
});
afterAll(async () => {
  await Promise.all([stack?.close(), noDedup?.close()]);
});

const ORDERS = '{ orders(first: 5) { edges { node { id status } } } }';

describe('in-flight deduplication of subgraph fetches', () => {
  it('sends one fetch for five identical concurrent queries of the same caller, and all five get the answer', async () => {
    const before = stack.hits.orders;
    const sharedBefore = stack.router.dedupStats.shared;
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.query(ORDERS, {}, grace)));
    expect(stack.hits.orders - before).toBe(1);
    expect(stack.router.dedupStats.shared - sharedBefore).toBe(4);
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect(answers[0]!.body.errors).toBeUndefined();
  });

  it('never shares between callers', async () => {
    const before = stack.hits.orders;
    const [mine, his] = await Promise.all([stack.query(ORDERS, {}, grace), stack.query(ORDERS, {}, alan)]);
    expect(stack.hits.orders - before).toBe(2);
    expect(mine.body).not.toEqual(his.body);
  });

  it('never shares mutations: each one runs', async () => {
    const place =
      'mutation { placeOrder(input: { currency: "USD", items: [{ productId: "20000000-0000-4000-8000-000000000004", quantity: 1 }] }) { id } }';
    const before = stack.hits.orders;
    const placed = await Promise.all(
      Array.from({ length: 3 }, () => stack.query<{ placeOrder: { id: string } }>(place, {}, grace)),
    );
    expect(stack.hits.orders - before).toBe(3);
    expect(new Set(placed.map((answer) => answer.body.data!.placeOrder.id)).size).toBe(3);
  });

  it('never hands a caller an answer from before their own mutation (read-your-writes)', async () => {
    const order = '10000000-0000-4000-8000-000000000002'; // grace's PAID order
    const read = `{ order(id: "${order}") { status } }`;
    // The first orders fetch is answered late: the subgraph computes it now (PAID) but replies after 800 ms.
    let delayNext = true;
    stack.intercept('orders', (_req, res) => {
      if (delayNext) {
        delayNext = false;
        const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
        res.end = ((...args: unknown[]) => {
          setTimeout(() => end(...args), 800);
          return res;
        }) as typeof res.end;
      }
      return false;
    });
    try {
      const before = stack.query<{ order: { status: string } }>(read, {}, grace);
      await sleep(150);
      const cancelled = await stack.query(
        'mutation($id: ID!) { cancelOrder(id: $id) { status } }',
        { id: order },
        grace,
      );
      expect(cancelled.body).toEqual({ data: { cancelOrder: { status: 'CANCELLED' } } });
      // Identical to the query still in flight, but sent after the mutation: it must not share that fetch.
      const after = await stack.query<{ order: { status: string } }>(read, {}, grace);
      expect(after.body).toEqual({ data: { order: { status: 'CANCELLED' } } });
      expect((await before).body).toEqual({ data: { order: { status: 'PAID' } } });
    } finally {
      stack.intercept('orders', async () => {
        await sleep(200);
        return false;
      });
    }
  });

  it('can be turned off (DEDUPLICATE_INFLIGHT=false): five queries, five fetches', async () => {
    const token = await noDedup.logIn('grace@example.com');
    const before = noDedup.hits.orders;
    await Promise.all(Array.from({ length: 5 }, () => noDedup.query(ORDERS, {}, token)));
    expect(noDedup.hits.orders - before).toBe(5);
  });
});
