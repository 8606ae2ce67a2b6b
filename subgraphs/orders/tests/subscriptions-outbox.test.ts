import { ADA, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersSubgraph } from '../src/subgraph.ts';
import { oneLine } from './fixtures.ts';
import {
  MyOrderUpdatesDocument,
  PlaceOrderDocument,
  SetOrderStatusDocument,
} from './generated/operations.ts';
import { connectAsGateway, untilSubscribed, type GatewayLikeClient } from './live-client.ts';

/**
 * Without a broker (no AMQP_URL, as `npm test` runs a subgraph by default and `npm start` does when no RabbitMQ
 * answers), live updates follow the committed outbox rows of the process's own database.
 */
let h: Started<typeof ordersSubgraph>;
const clients: GatewayLikeClient[] = [];
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'live_outbox', { SUBSCRIPTIONS_OUTBOX_POLL_MS: '20' });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await h?.close();
});

const connect = (identity: typeof ADA) => {
  const client = connectAsGateway(h.wsUrl, identity, h.env.INTERNAL_SECRET);
  clients.push(client);
  return client;
};

async function placeOrder(): Promise<string> {
  const res = await h.call(PlaceOrderDocument, { input: oneLine({ quantity: 2 }) }, GRACE);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.placeOrder.id;
}

/** Loader reads (`where id in (…)`) of orders and items: what delivering an event costs, not the polls. */
const loaderReads = (statements: readonly string[]) =>
  statements.filter((sql) => /^select .* from "(orders|order_items)" where .* in \(/is.test(sql)).length;

const lastStatuses = (
  subscriptions: { results: { data?: { myOrderUpdates: { status: string } } | null }[] }[],
) => subscriptions.map((s) => s.results.at(-1)?.data?.myOrderUpdates.status);

describe('live updates without a broker', () => {
  it('deliver an order placed and then paid, from the committed outbox rows', async () => {
    const grace = connect(GRACE).subscribe(MyOrderUpdatesDocument, {});
    await untilSubscribed(h.origin, 1);

    const id = await placeOrder();
    await eventually(() => expect(grace.results).toHaveLength(1));
    expect((await h.call(SetOrderStatusDocument, { id, status: 'PAID' }, ADA)).body.errors).toBeUndefined();
    await eventually(() => expect(grace.results).toHaveLength(2));

    const order = (status: string) => ({
      data: {
        myOrderUpdates: {
          id,
          status,
          total: { amount: 200, currency: 'USD' },
          items: [{ sku: 'SKU-1', quantity: 2 }],
          user: { id: GRACE.userId },
        },
      },
    });
    expect(grace.results).toEqual([order('PENDING'), order('PAID')]);
    grace.unsubscribe();
    await untilSubscribed(h.origin, 0);
  });

  it('reads each event’s order and items once, however many subscriptions receive it', async () => {
    const readsFor = async (subscribers: number) => {
      const subscriptions = Array.from({ length: subscribers }, () =>
        connect(ADA).subscribe(MyOrderUpdatesDocument, {}),
      );
      await untilSubscribed(h.origin, subscribers);
      const id = await placeOrder();
      await eventually(() => expect(lastStatuses(subscriptions)).toEqual(Array(subscribers).fill('PENDING')));
      h.counter.reset();
      expect((await h.call(SetOrderStatusDocument, { id, status: 'PAID' }, ADA)).body.errors).toBeUndefined();
      await eventually(() => expect(lastStatuses(subscriptions)).toEqual(Array(subscribers).fill('PAID')));
      const reads = loaderReads(h.counter.statements);
      for (const subscription of subscriptions) subscription.unsubscribe();
      await untilSubscribed(h.origin, 0);
      return reads;
    };

    const one = await readsFor(1);
    const eight = await readsFor(8);
    console.info(`SQL reads per live event: ${one} with 1 subscriber, ${eight} with 8`);
    expect(one).toBe(2);
    expect(eight).toBe(one);
  });
});
