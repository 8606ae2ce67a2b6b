import { randomUUID } from 'node:crypto';
import { createEvent, type ServiceEvents } from '@supergraph/events';
import { deleteTopology, publishRaw, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import {
  INTERNAL_TOKEN_HEADER,
  signInternalToken,
  signStreamToken,
  type Identity,
} from '@supergraph/service-kit/auth';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { SUBSCRIPTION_CLOSE_CODES } from '@supergraph/service-kit/subscriptions';
import {
  ADA,
  ALAN,
  ANONYMOUS,
  GRACE,
  KATHERINE,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { createTestDatabase, eventually, testSecrets, type TestDatabase } from '@supergraph/testing';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrdersDatabase, type OrdersDatabase } from '../src/db/client.ts';
import { loadEnv } from '../src/env.ts';
import { createOrdersEvents } from '../src/events/index.ts';
import { buildOrdersService } from '../src/server.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { DEMO_ORDERS, oneLine, PEN, UNKNOWN_ID } from './fixtures.ts';
import {
  MyOrderUpdatesDocument,
  OrderUpdatedDocument,
  PlaceOrderDocument,
  SetOrderStatusDocument,
} from './generated/operations.ts';
import { connectAsGateway, rawConnection, untilSubscribed, type GatewayLikeClient } from './live-client.ts';

/**
 * Two orders replicas on one PostgreSQL database and one broker exchange (a prefix of this run's own): A is
 * started as the tests start any subgraph and runs the outbox relay and the user.deleted consumer; B is built
 * by hand, as a second process would be, so the test can reach its live feed. Subscribers connect to either
 * with a real graphql-ws client that signs `connection_init` as the gateway does.
 */
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('orders_live');
const logger = createLogger('orders', 'silent');

let database: TestDatabase;
let a: Started<typeof ordersSubgraph>;
let events: ServiceEvents;
let b: Replica;

interface Replica {
  origin: string;
  wsUrl: string;
  service: Awaited<ReturnType<typeof buildOrdersService>>;
  close(): Promise<void>;
}

/** An orders process on `databaseUrl`, as src/index.ts would run it, with its own connection to the broker. */
async function startReplica(env: Record<string, string>): Promise<Replica> {
  const config = loadEnv({
    ...testSecrets(),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
    SEED_DEMO_DATA: 'false',
    ...env,
  });
  const handle: OrdersDatabase = await openOrdersDatabase(config);
  await handle.migrate();
  const service = await buildOrdersService({ env: config, logger, database: handle });
  const server: RunningServer = await listen(service.app, 0, '127.0.0.1');
  server.server.on('upgrade', service.websocket.upgrade);
  return {
    origin: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/graphql`,
    service,
    async close() {
      await service.websocket.close();
      await server.close(1_000);
      await service.stop();
      await handle.close();
    },
  };
}

beforeAll(async () => {
  database = await createTestDatabase('orders_live', machinePostgresUrl());
  a = await startSubgraph(ordersSubgraph, 'live_a', {
    DATABASE_URL: database.url!,
    AMQP_URL: amqpUrl,
    EVENTS_PREFIX: prefix,
  });
  events = createOrdersEvents({
    env: { ...a.env, OUTBOX_POLL_INTERVAL_MS: 20 },
    logger,
    database: a.database,
  });
  await events.start();
  b = await startReplica({
    DATABASE_URL: database.url!,
    INTERNAL_SECRET: a.env.INTERNAL_SECRET,
    AMQP_URL: amqpUrl,
    EVENTS_PREFIX: prefix,
    MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
  });
  await events.relay!.waitForConnect();
  await events.consumer!.waitForConnect();
  // Both replicas' live feeds are bound before anything is written.
  await eventually(() => expect(b.service.feed.live).toBe(true));
}, 60_000);

afterAll(async () => {
  await b?.close();
  await events?.stop();
  await a?.close();
  await database?.drop();
  await deleteTopology(amqpUrl, prefix, ['orders']);
});

const clients: GatewayLikeClient[] = [];
/** A gateway-like connection to `wsUrl` for `identity`, disposed after the file. */
function connect(wsUrl: string, identity: Identity): GatewayLikeClient {
  const client = connectAsGateway(wsUrl, identity, a.env.INTERNAL_SECRET);
  clients.push(client);
  return client;
}
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
});

async function placeOrder(customer: Identity): Promise<string> {
  const res = await a.call(PlaceOrderDocument, { input: oneLine() }, customer);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.placeOrder.id;
}

async function setStatus(id: string, status: 'PAID' | 'SHIPPED' | 'CANCELLED') {
  const res = await a.call(SetOrderStatusDocument, { id, status }, ADA);
  expect(res.body.errors).toBeUndefined();
}

/** The number of subscriptions each replica is running right now. */
async function running(): Promise<[number, number]> {
  const read = async (origin: string) => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    return Number(/^subgraph_subscriptions_active\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? NaN);
  };
  return [await read(a.origin), await read(b.origin)];
}

describe('orderUpdated over graphql-ws', () => {
  it('delivers PAID then SHIPPED to the order’s owner, each the order as stored, on the replica that did not write it', async () => {
    const id = await placeOrder(GRACE);
    const [, before] = await running();
    const grace = connect(b.wsUrl, GRACE);
    const updates = grace.subscribe(OrderUpdatedDocument, { id });
    await untilSubscribed(b.origin, before + 1);

    const sentAt = Date.now();
    await setStatus(id, 'PAID');
    await eventually(() => expect(updates.results).toHaveLength(1));
    await setStatus(id, 'SHIPPED');
    await eventually(() => expect(updates.results).toHaveLength(2));
    // Each event says when its change was committed: the gateway's delivery latency is measured from it.
    const committed = updates.extensions.map((extensions) => Date.parse(String(extensions?.['occurredAt'])));
    expect(committed).toHaveLength(2);
    expect(committed[0]).toBeGreaterThanOrEqual(sentAt - 1_000);
    expect(committed[1]).toBeGreaterThanOrEqual(committed[0]!);
    expect(committed[1]).toBeLessThanOrEqual(Date.now() + 1_000);

    expect(updates.results).toEqual([
      { data: { orderUpdated: { id, status: 'PAID', user: { id: GRACE.userId } } } },
      { data: { orderUpdated: { id, status: 'SHIPPED', user: { id: GRACE.userId } } } },
    ]);
    expect(updates.error).toBeUndefined();
    updates.unsubscribe();
    await untilSubscribed(b.origin, before);
  });

  it('reaches subscribers on both replicas from one write (each replica has its own queue on the exchange)', async () => {
    const id = await placeOrder(ALAN);
    const [onA, onB] = await running();
    const viaA = connect(a.wsUrl, ALAN).subscribe(OrderUpdatedDocument, { id });
    const viaB = connect(b.wsUrl, ADA).subscribe(OrderUpdatedDocument, { id });
    await untilSubscribed(a.origin, onA + 1);
    await untilSubscribed(b.origin, onB + 1);

    await setStatus(id, 'CANCELLED');

    const expected = [{ data: { orderUpdated: { id, status: 'CANCELLED', user: { id: ALAN.userId } } } }];
    await eventually(() => expect(viaA.results).toEqual(expected));
    await eventually(() => expect(viaB.results).toEqual(expected));
    viaA.unsubscribe();
    viaB.unsubscribe();
  });

  it('refuses another customer’s order with FORBIDDEN, an unknown or malformed id with NOT_FOUND, at subscribe time', async () => {
    const alan = connect(b.wsUrl, ALAN);
    const cases = [
      [DEMO_ORDERS.gracePending, 'FORBIDDEN', 'This order belongs to another user.'],
      [UNKNOWN_ID, 'NOT_FOUND', `No order has id ${UNKNOWN_ID}.`],
      ['not-a-uuid', 'NOT_FOUND', 'No order has id not-a-uuid.'],
    ] as const;
    for (const [id, code, message] of cases) {
      const refused = alan.subscribe(OrderUpdatedDocument, { id });
      await eventually(() => expect(refused.completed).toBe(true));
      expect(refused.results).toEqual([
        { errors: [{ message, path: ['orderUpdated'], extensions: { code } }] },
      ]);
    }
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const anonymous = connect(b.wsUrl, ANONYMOUS);
    const refused = anonymous.subscribe(MyOrderUpdatesDocument, {});
    await eventually(() => expect(refused.completed).toBe(true));
    expect(refused.results).toEqual([
      {
        errors: [
          {
            message: 'You must be logged in to do this.',
            path: ['myOrderUpdates'],
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      },
    ]);
  });
});

describe('myOrderUpdates over graphql-ws', () => {
  it('delivers the caller’s own orders (placed, then changed), every order to an admin, and nothing of others', async () => {
    const customer: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
    const [onA, onB] = await running();
    const own = connect(a.wsUrl, customer).subscribe(MyOrderUpdatesDocument, {});
    const other = connect(b.wsUrl, KATHERINE).subscribe(MyOrderUpdatesDocument, {});
    const admin = connect(b.wsUrl, ADA).subscribe(MyOrderUpdatesDocument, {});
    await untilSubscribed(a.origin, onA + 1);
    await untilSubscribed(b.origin, onB + 2);

    const id = await placeOrder(customer);
    await eventually(() => expect(own.results).toHaveLength(1));
    await setStatus(id, 'PAID');
    await eventually(() => expect(own.results).toHaveLength(2));
    await eventually(() =>
      expect(admin.results.map((r) => r.data?.myOrderUpdates.status)).toEqual(['PENDING', 'PAID']),
    );

    const order = (status: string) => ({
      data: {
        myOrderUpdates: {
          id,
          status,
          total: { amount: PEN.price, currency: 'USD' },
          items: [{ sku: PEN.sku, quantity: 1 }],
          user: { id: customer.userId },
        },
      },
    });
    expect(own.results).toEqual([order('PENDING'), order('PAID')]);
    expect(admin.results).toEqual([order('PENDING'), order('PAID')]);
    // Katherine's subscription is live (her own change arrives) and never saw the other customer's order.
    const hers = await placeOrder(KATHERINE);
    await eventually(() => expect(other.results).toHaveLength(1));
    expect(other.results.map((r) => r.data?.myOrderUpdates.id)).toEqual([hers]);
    for (const subscription of [own, other, admin]) subscription.unsubscribe();
  });

  it('delivers the CANCELLED update when user.deleted cancels the customer’s PENDING order', async () => {
    const customer: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
    const id = await placeOrder(customer);
    const [, onB] = await running();
    const updates = connect(b.wsUrl, customer).subscribe(OrderUpdatedDocument, { id });
    await untilSubscribed(b.origin, onB + 1);

    const deleted = createEvent('user.deleted', customer.userId, { userId: customer.userId });
    await publishRaw(amqpUrl, prefix, deleted.type, JSON.stringify(deleted), { messageId: deleted.id });

    await eventually(() =>
      expect(updates.results).toEqual([
        { data: { orderUpdated: { id, status: 'CANCELLED', user: { id: customer.userId } } } },
      ]),
    );
    updates.unsubscribe();
  });
});

describe('the gateway signature on connection_init', () => {
  it.each([
    ['no token', {}],
    ['a forged token', { [INTERNAL_TOKEN_HEADER]: 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl' }],
  ])('closes the connection with 4403 Forbidden for %s, before any subscribe', async (_case, payload) => {
    const raw = await rawConnection(b.wsUrl);
    raw.send({ type: 'connection_init', payload });

    expect(await raw.closed).toEqual({ code: SUBSCRIPTION_CLOSE_CODES.FORBIDDEN, reason: 'Forbidden' });
    expect(raw.messages).toEqual([]);
  });

  it('closes with 4403 for a token signed with another secret', async () => {
    const raw = await rawConnection(b.wsUrl);
    const token = await signStreamToken(GRACE, 'another-secret-another-secret-another', Date.now() + 60_000);
    raw.send({ type: 'connection_init', payload: { [INTERNAL_TOKEN_HEADER]: token } });

    expect((await raw.closed).code).toBe(4403);
  });

  it('closes with 4403 for a request’s token: only a stream token (its own audience) opens a connection', async () => {
    const raw = await rawConnection(b.wsUrl);
    const token = await signInternalToken(GRACE, a.env.INTERNAL_SECRET);
    raw.send({ type: 'connection_init', payload: { [INTERNAL_TOKEN_HEADER]: token } });

    expect((await raw.closed).code).toBe(SUBSCRIPTION_CLOSE_CODES.FORBIDDEN);
  });

  it('closes with 4403 when the signature expires: the gateway signs a connection until its client’s token expires', async () => {
    const raw = await rawConnection(b.wsUrl);
    // Signed until 30 s ago plus the 30 s grace: its `exp` is 2 s away.
    const token = await signStreamToken(GRACE, a.env.INTERNAL_SECRET, Date.now() - 28_000);
    raw.send({ type: 'connection_init', payload: { [INTERNAL_TOKEN_HEADER]: token } });
    await eventually(() => expect(raw.messages).toEqual([{ type: 'connection_ack' }]));

    expect(await raw.closed).toEqual({
      code: SUBSCRIPTION_CLOSE_CODES.FORBIDDEN,
      reason: 'the signature of this connection expired',
    });
  });

  it('acknowledges a signed connection, refuses queries and bad documents over it with their codes, and caps subscriptions per connection', async () => {
    const raw = await rawConnection(b.wsUrl);
    const token = await signStreamToken(ADA, a.env.INTERNAL_SECRET, Date.now() + 60_000);
    raw.send({ type: 'connection_init', payload: { [INTERNAL_TOKEN_HEADER]: token } });
    await eventually(() => expect(raw.messages).toEqual([{ type: 'connection_ack' }]));

    const errorsOf = (id: string) => raw.messages.filter((m) => m.id === id && m.type === 'error');
    try {
      raw.send({ id: 'q', type: 'subscribe', payload: { query: '{ orders { edges { cursor } } }' } });
      await eventually(() => expect(errorsOf('q')).toHaveLength(1));
      raw.send({ id: 'p', type: 'subscribe', payload: { query: 'subscription {' } });
      raw.send({ id: 'v', type: 'subscribe', payload: { query: 'subscription { nothing }' } });
      await eventually(() => expect([...errorsOf('p'), ...errorsOf('v')]).toHaveLength(2));
      expect(errorsOf('p')[0]!.payload).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
      ]);
      expect(errorsOf('v')[0]!.payload).toEqual([
        expect.objectContaining({
          message: 'Cannot query field "nothing" on type "Subscription".',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ]);
      for (const id of ['s1', 's2', 's3', 's4']) {
        raw.send({ id, type: 'subscribe', payload: { query: 'subscription { myOrderUpdates { id } }' } });
      }
      await eventually(() => expect(errorsOf('s4')).toHaveLength(1));

      expect([...errorsOf('q'), ...errorsOf('s4')]).toEqual([
        {
          id: 'q',
          type: 'error',
          payload: [
            {
              message:
                'Only subscriptions are served over WebSocket; send queries and mutations as HTTP POST.',
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        },
        {
          id: 's4',
          type: 'error',
          payload: [
            {
              message: 'This connection already holds 3 subscriptions; complete one first.',
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            },
          ],
        },
      ]);
      expect(['s1', 's2', 's3'].flatMap(errorsOf)).toEqual([]);
    } finally {
      raw.socket.close();
      await raw.closed;
    }
  });
});

describe('faults', () => {
  it('ends running subscriptions with 1013 when the broker connection drops, and serves again once it is back', async () => {
    const id = await placeOrder(GRACE);
    const [, onB] = await running();
    const before = connect(b.wsUrl, GRACE);
    const cut = before.subscribe(OrderUpdatedDocument, { id });
    await untilSubscribed(b.origin, onB + 1);

    await b.service.feed.dropConnection();

    await eventually(() => expect(before.closes).toEqual([SUBSCRIPTION_CLOSE_CODES.TRY_AGAIN_LATER]));
    expect(cut.error).toMatchObject({ code: 1013 });
    await eventually(() => expect(b.service.feed.live).toBe(true));
    const after = connect(b.wsUrl, GRACE).subscribe(OrderUpdatedDocument, { id });
    await untilSubscribed(b.origin, onB + 1);
    await setStatus(id, 'PAID');
    await eventually(() => expect(after.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PAID']));
    after.unsubscribe();
  });

  it('refuses subscribing with SERVICE_UNAVAILABLE while the broker cannot be reached, without failing the process', async () => {
    const unreachable = await startReplica({
      DATABASE_URL: database.url!,
      INTERNAL_SECRET: a.env.INTERNAL_SECRET,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
      EVENTS_PREFIX: prefix,
    });
    try {
      const refused = connect(unreachable.wsUrl, GRACE).subscribe(MyOrderUpdatesDocument, {});
      await eventually(() => expect(refused.error).toBeDefined());
      expect(refused.error).toEqual([
        {
          message: 'Live updates are unavailable right now; subscribe again shortly.',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ]);
      // Queries are unaffected.
      const health = await fetch(`${unreachable.origin}/health/ready`);
      expect(health.status).toBe(200);
    } finally {
      await unreachable.close();
    }
  });

  it('completes subscriptions with 1001 Going Away when the service shuts down', async () => {
    const leaving = await startReplica({
      DATABASE_URL: database.url!,
      INTERNAL_SECRET: a.env.INTERNAL_SECRET,
      AMQP_URL: amqpUrl,
      EVENTS_PREFIX: prefix,
    });
    const client = connect(leaving.wsUrl, GRACE);
    await eventually(() => expect(leaving.service.feed.live).toBe(true));
    const subscription = client.subscribe(MyOrderUpdatesDocument, {});
    await untilSubscribed(leaving.origin, 1);

    await leaving.close();

    expect(client.closes).toEqual([SUBSCRIPTION_CLOSE_CODES.GOING_AWAY]);
    expect(subscription.error).toMatchObject({ code: 1001 });
  });
});
