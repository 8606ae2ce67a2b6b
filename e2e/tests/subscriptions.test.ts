import { demoProduct } from '@supergraph/demo-data';
import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import {
  subscribeSse,
  subscribeWs,
  wsClient,
  type SubscriptionProbe,
} from '@supergraph/testing/subscriptions';
import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteMeDocument,
  MyOrderUpdatesDocument,
  MyOrdersDocument,
  PlaceOrderDocument,
  SetOrderStatusDocument,
  SignUpDocument,
  type MyOrderUpdatesSubscription,
} from '../src/generated/operations.ts';
import { startStack, type Stack } from './stack.ts';

/**
 * Live order updates end to end (docs/subscriptions.md): real clients (graphql-ws, graphql-sse) at the
 * gateway, the orders subgraph's graphql-ws stream behind it fed by its events through a real RabbitMQ, and
 * each event's `user { name }` resolved from users by the gateway.
 */
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('e2e-subs');
const MY_ORDER_UPDATES = print(MyOrderUpdatesDocument);

let stack: Stack;
let admin: string;
const probes: SubscriptionProbe[] = [];
const clients: { dispose(): void | Promise<void> }[] = [];
const held = (probe: SubscriptionProbe) => (probes.push(probe), probe);
const ws = (token: string | undefined) => {
  const client = wsClient(stack.gatewayUrl, token);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  stack = await startStack('subscriptions', {
    events: { amqpUrl, prefix },
    gateway: { MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' },
  });
  admin = await stack.logIn('ada@example.com');
});
afterEach(async () => {
  for (const probe of probes.splice(0)) probe.stop();
  for (const client of clients.splice(0)) await client.dispose();
  await subscriptionsAtOrders(0);
});
afterAll(async () => {
  await stack?.close();
  await deleteTopology(amqpUrl, prefix, ['orders']);
});

/** The id of one of the caller's orders with `status`. */
async function orderWith(token: string, status: string): Promise<string> {
  const mine = await stack.request(MyOrdersDocument, { first: 10 }, token);
  const order = mine.body.data?.me?.orders.edges.find(({ node }) => node.status === status);
  if (!order) throw new Error(`no ${status} order: ${JSON.stringify(mine.body)}`);
  return order.node.id;
}

async function setStatus(id: string, status: 'PAID' | 'SHIPPED' | 'CANCELLED') {
  const response = await stack.request(SetOrderStatusDocument, { id, status }, admin);
  expect(response.body.errors).toBeUndefined();
}

const update = (result: { data?: unknown }) => (result.data as MyOrderUpdatesSubscription).myOrderUpdates;

/**
 * Waits until the orders subgraph holds exactly `count` subscriptions (its `subgraph_subscriptions_active`
 * gauge): an update made before a subscription reached it is not delivered, by design (at most once).
 */
async function subscriptionsAtOrders(count: number): Promise<void> {
  const metricsUrl = stack.ordersUrl.replace(/\/graphql$/, '/metrics');
  let seen = -1;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = await (await fetch(metricsUrl)).text();
    seen = [...text.matchAll(/^subgraph_subscriptions_active(?:\{[^}]*\})? (\d+)/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    if (seen === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`orders holds ${seen} subscriptions, not ${count}`);
}

describe('live order updates through the gateway', () => {
  it('over graphql-ws: a customer sees PAID then SHIPPED with user.name from users; another customer nothing', async () => {
    const grace = await stack.logIn('grace@example.com');
    const alan = await stack.logIn('alan@example.com');
    const orderId = await orderWith(grace, 'PENDING');
    const graces = held(subscribeWs(ws(grace), { query: MY_ORDER_UPDATES }));
    const alans = held(subscribeWs(ws(alan), { query: MY_ORDER_UPDATES }));
    await subscriptionsAtOrders(2);

    // One at a time: orders reads the order when it handles the event, so two quick changes may both show
    // the later status (subgraph-subscriptions.md).
    await setStatus(orderId, 'PAID');
    expect(update(await graces.next(15_000))).toEqual({
      id: orderId,
      status: 'PAID',
      user: { name: 'Grace Hopper' },
    });
    await setStatus(orderId, 'SHIPPED');
    expect(update(await graces.next(15_000))).toEqual({
      id: orderId,
      status: 'SHIPPED',
      user: { name: 'Grace Hopper' },
    });
    // Alan's own change reaches him after Grace's two: had they reached him, they would be here first.
    const alansOrder = await orderWith(alan, 'PENDING');
    await setStatus(alansOrder, 'CANCELLED');
    expect(update(await alans.next(15_000))).toEqual({
      id: alansOrder,
      status: 'CANCELLED',
      user: { name: 'Alan Turing' },
    });
    expect(alans.results).toHaveLength(1);
  });

  it('over SSE: the same update arrives as an event stream', async () => {
    const grace = await stack.logIn('grace@example.com');
    const orderId = await orderWith(grace, 'PAID');
    const probe = held(subscribeSse(stack.gatewayUrl, grace, { query: MY_ORDER_UPDATES }));
    await subscriptionsAtOrders(1);
    await setStatus(orderId, 'SHIPPED');
    expect(update(await probe.next(15_000))).toEqual({
      id: orderId,
      status: 'SHIPPED',
      user: { name: 'Grace Hopper' },
    });
  });

  it('refuses an anonymous subscribe with UNAUTHENTICATED on both transports', async () => {
    const overWs = held(subscribeWs(ws(undefined), { query: MY_ORDER_UPDATES }));
    expect(await overWs.ended).toMatchObject({
      kind: 'error',
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
    });
    const overSse = held(subscribeSse(stack.gatewayUrl, undefined, { query: MY_ORDER_UPDATES }));
    expect(await overSse.next()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('refuses a subscription over MAX_SUBSCRIPTIONS_PER_CONNECTION with TOO_MANY_SUBSCRIPTIONS', async () => {
    const grace = await stack.logIn('grace@example.com');
    const client = ws(grace);
    held(subscribeWs(client, { query: MY_ORDER_UPDATES }));
    held(subscribeWs(client, { query: MY_ORDER_UPDATES }));
    const third = held(subscribeWs(client, { query: MY_ORDER_UPDATES }));
    expect(await third.ended).toMatchObject({
      kind: 'error',
      errors: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'connection', limit: 2 } }],
    });
  });

  it('delivers the CANCELLED update when a user with a PENDING order deletes their account', async () => {
    const signUp = await stack.request(SignUpDocument, {
      input: { email: 'live-leaver@example.com', name: 'Live Leaver', password: 'a long enough password' },
    });
    const token = signUp.body.data!.signUp.token;
    const probe = held(subscribeWs(ws(token), { query: MY_ORDER_UPDATES }));
    await subscriptionsAtOrders(1);
    const placed = await stack.request(
      PlaceOrderDocument,
      { input: { currency: 'EUR', items: [{ productId: demoProduct('CABLE-USBC').id, quantity: 1 }] } },
      token,
    );
    expect(placed.body.errors).toBeUndefined();
    const orderId = placed.body.data!.placeOrder.id;
    // myOrderUpdates tells of a placed order too.
    expect(update(await probe.next(20_000))).toEqual({
      id: orderId,
      status: 'PENDING',
      user: { name: 'Live Leaver' },
    });
    expect((await stack.request(DeleteMeDocument, {}, token)).body).toEqual({ data: { deleteMe: true } });
    // user.deleted travels users' outbox → RabbitMQ → orders, which cancels the order and tells its subscribers.
    const cancelled = await probe.next(20_000);
    expect(update(cancelled)).toMatchObject({ id: orderId, status: 'CANCELLED' });
  });
});
