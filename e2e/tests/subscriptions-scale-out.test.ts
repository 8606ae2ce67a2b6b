import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { buildOrdersService } from '@supergraph/orders/server';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { createOrdersEvents } from '@supergraph/orders/events';
import { seedDemoOrders } from '@supergraph/orders/seed';
import { buildRouter } from '@supergraph/router/server';
import { loadEnv as loadRouterEnv } from '@supergraph/router/env';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { createTestDatabase, eventually, freePort, graphql, testSecrets } from '@supergraph/testing';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';
import { subscribeWs, wsClient, type SubscriptionProbe } from '@supergraph/testing/subscriptions';
import { buildUsersService } from '@supergraph/users/server';
import { openUsersDatabase } from '@supergraph/users/db';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import { seedDemoUsers } from '@supergraph/users/seed';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  MyOrderUpdatesDocument,
  MyOrdersDocument,
  SetOrderStatusDocument,
  type MyOrderUpdatesSubscription,
} from '../src/generated/operations.ts';

/**
 * Subscriptions scaled out: two gateways and two orders replicas behind HAProxy (deploy/haproxy/orders.cfg,
 * as load-balancing.test.ts runs it), on one PostgreSQL database and one RabbitMQ exchange, no sticky
 * sessions. Each gateway opens its subgraph subscriptions through HAProxy, so they land on either replica;
 * every replica receives every order event through a queue of its own.
 */
const adminUrl = machinePostgresUrl();
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('e2e-subs-lb');
const HAPROXY_CONFIG = join(import.meta.dirname, '../../deploy/haproxy/orders.cfg');
const REPLICAS = ['orders-a', 'orders-b'] as const;
type Replica = (typeof REPLICAS)[number];
const MY_ORDER_UPDATES = print(MyOrderUpdatesDocument);

interface OrdersReplica {
  server: RunningServer;
  /** Subscriptions this replica holds now (its own gauge). */
  subscriptions(): Promise<number>;
  /** GraphQL POSTs it received (mutations included). */
  posts: number;
  /** Every TCP connection it accepted: a crash cuts them all. */
  sockets: Set<Socket>;
}

describe('subscriptions across gateways and orders replicas', () => {
  const secrets = testSecrets();
  const common = { ...secrets, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0' };
  const logger = createLogger('e2e', 'silent');
  const cleanups: (() => Promise<unknown>)[] = [];
  const replicas = {} as Record<Replica, OrdersReplica>;
  const gateways: string[] = [];
  const haproxyOutput: string[] = [];
  const probes: SubscriptionProbe[] = [];
  const clients: { dispose(): void | Promise<void> }[] = [];
  let haproxy: ChildProcess | undefined;
  let admin = '';
  let grace = '';

  const printHaproxyOutput = () => console.error(`HAProxy output:\n${haproxyOutput.join('').slice(-20_000)}`);

  const request = async <T>(gateway: string, document: string, variables: object, token: string) =>
    graphql<T>(gateway, document, variables as Record<string, unknown>, { authorization: `Bearer ${token}` });

  const subscribe = (gateway: string) => {
    const client = wsClient(gateway, grace);
    clients.push(client);
    const probe = subscribeWs(client, { query: MY_ORDER_UPDATES });
    probes.push(probe);
    return probe;
  };

  const held = async () => {
    const counts = await Promise.all(REPLICAS.map((name) => replicas[name].subscriptions()));
    return Object.fromEntries(REPLICAS.map((name, index) => [name, counts[index]!])) as Record<
      Replica,
      number
    >;
  };

  /** Opens a subscription through `gateway` and returns the replica its subgraph subscription landed on. */
  async function subscribeAndLocate(
    gateway: string,
  ): Promise<{ probe: SubscriptionProbe; replica: Replica }> {
    const before = await held();
    const probe = subscribe(gateway);
    const replica = await eventually(async () => {
      const now = await held();
      const grown = REPLICAS.find((name) => now[name] === before[name] + 1);
      if (!grown) throw new Error(`no replica took the subscription: ${JSON.stringify(now)}`);
      return grown;
    });
    return { probe, replica };
  }

  async function pendingOrderOfGrace(): Promise<string> {
    const mine = await request<{ me: { orders: { edges: { node: { id: string; status: string } }[] } } }>(
      gateways[0]!,
      print(MyOrdersDocument),
      { first: 10 },
      grace,
    );
    const order = mine.body.data?.me.orders.edges.find(({ node }) => node.status === 'PENDING');
    if (!order) throw new Error(`grace has no PENDING order: ${JSON.stringify(mine.body)}`);
    return order.node.id;
  }

  beforeAll(async () => {
    const events = { AMQP_URL: amqpUrl, EVENTS_PREFIX: prefix, OUTBOX_POLL_INTERVAL_MS: '50' };
    const usersDb = await createTestDatabase('subs_lb_users', adminUrl);
    cleanups.push(() => usersDb.drop());
    const usersEnv = loadUsersEnv({ ...common, DATABASE_URL: usersDb.url });
    const usersDatabase = await openUsersDatabase(usersEnv);
    cleanups.unshift(() => usersDatabase.close());
    await usersDatabase.migrate();
    await seedDemoUsers(usersDatabase.db);
    const users = await buildUsersService({ env: usersEnv, logger, database: usersDatabase });
    cleanups.unshift(() => users.stop());
    const usersServer = await listen(users.app, 0, '127.0.0.1');
    cleanups.unshift(() => usersServer.close(1_000));

    const ordersDb = await createTestDatabase('subs_lb_orders', adminUrl);
    cleanups.push(() => ordersDb.drop());
    const ordersEnv = loadOrdersEnv({ ...common, ...events, DATABASE_URL: ordersDb.url });
    for (const [index, name] of REPLICAS.entries()) {
      const database = await openOrdersDatabase(ordersEnv);
      cleanups.unshift(() => database.close());
      await database.migrate();
      if (index === 0) await seedDemoOrders(database.db);
      const service = await buildOrdersService({ env: ordersEnv, logger, database });
      cleanups.unshift(() => service.stop());
      // Each replica relays its own outbox rows to the exchange, as each container does.
      const relay = createOrdersEvents({ env: ordersEnv, logger, database });
      await relay.start();
      cleanups.unshift(() => relay.stop());
      const replica: OrdersReplica = {
        server: await listen(
          (req, res) => {
            if (req.method === 'POST' && req.url?.startsWith('/graphql')) replica.posts += 1;
            service.app(req, res);
          },
          0,
          '127.0.0.1',
        ),
        posts: 0,
        sockets: new Set(),
        async subscriptions() {
          const text = await service.metrics.registry.getSingleMetricAsString(
            'subgraph_subscriptions_active',
          );
          return [...text.matchAll(/^subgraph_subscriptions_active(?:\{[^}]*\})? (\d+)/gm)].reduce(
            (sum, match) => sum + Number(match[1]),
            0,
          );
        },
      };
      replica.server.server.on('connection', (socket: Socket) => {
        replica.sockets.add(socket);
        socket.once('close', () => replica.sockets.delete(socket));
      });
      replica.server.server.on('upgrade', service.websocket.upgrade);
      cleanups.unshift(async () => {
        await service.websocket.close();
        await replica.server.close(1_000);
      });
      replicas[name] = replica;
    }

    const lbPort = await freePort();
    const lbUrl = `http://127.0.0.1:${lbPort}`;
    haproxy = spawn('haproxy', ['-f', HAPROXY_CONFIG, '-db'], {
      env: {
        PATH: process.env['PATH'],
        ORDERS_LB_BIND: `127.0.0.1:${lbPort}`,
        ORDERS_A_ADDR: `127.0.0.1:${replicas['orders-a'].server.port}`,
        ORDERS_B_ADDR: `127.0.0.1:${replicas['orders-b'].server.port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(haproxy, 'exit');
    haproxy.stdout?.on('data', (chunk: Buffer) => haproxyOutput.push(chunk.toString()));
    haproxy.stderr?.on('data', (chunk: Buffer) => haproxyOutput.push(chunk.toString()));
    cleanups.unshift(async () => {
      if (!haproxy || haproxy.exitCode !== null || haproxy.signalCode !== null) return;
      haproxy.kill('SIGTERM');
      const killed = setTimeout(() => haproxy?.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killed);
    });
    try {
      await eventually(
        async () => {
          const response = await fetch(`${lbUrl}/haproxy/health`);
          if (response.status !== 200) throw new Error(`HAProxy health ${response.status}`);
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
    } catch (error) {
      printHaproxyOutput();
      throw error;
    }

    for (let index = 0; index < 2; index++) {
      const router = buildRouter(
        loadRouterEnv({
          ...common,
          SUBGRAPH_USERS_URL: `${usersServer.url}/graphql`,
          SUBGRAPH_ORDERS_URL: `${lbUrl}/graphql`,
          RATE_LIMIT_POINTS: '100000',
        }),
        logger,
      );
      await router.start();
      const gateway = await listen(router.app, 0, '127.0.0.1');
      router.attach(gateway.server);
      cleanups.unshift(async () => {
        await router.drainSubscriptions();
        await gateway.close(1_000);
        await router.stop();
      });
      gateways.push(`${gateway.url}/graphql`);
    }
    const logIn = async (email: string) => {
      const response = await graphql<{ logIn: { token: string } }>(
        gateways[0]!,
        'mutation ($email: String!) { logIn(email: $email, password: "demo-password") { token } }',
        { email },
      );
      return response.body.data!.logIn.token;
    };
    admin = await logIn('ada@example.com');
    grace = await logIn('grace@example.com');
  });

  afterAll(async () => {
    for (const probe of probes) probe.stop();
    for (const client of clients) await client.dispose();
    for (const cleanup of cleanups) await cleanup();
    await deleteTopology(amqpUrl, prefix, ['orders']);
  });

  it('delivers a change made through one replica to subscribers whose subscription is on the other', async () => {
    onTestFailed(printHaproxyOutput);
    // Subscriptions through both gateways until each replica holds at least one (HAProxy picks per connection).
    const located: { probe: SubscriptionProbe; replica: Replica; gateway: string }[] = [];
    for (let attempt = 0; attempt < 8 && new Set(located.map(({ replica }) => replica)).size < 2; attempt++) {
      const gateway = gateways[attempt % 2]!;
      located.push({ ...(await subscribeAndLocate(gateway)), gateway });
    }
    expect(new Set(located.map(({ replica }) => replica))).toEqual(new Set(REPLICAS));

    const orderId = await pendingOrderOfGrace();
    const posts = Object.fromEntries(REPLICAS.map((name) => [name, replicas[name].posts]));
    const changed = await request(
      gateways[0]!,
      print(SetOrderStatusDocument),
      { id: orderId, status: 'PAID' },
      admin,
    );
    expect(changed.body.errors).toBeUndefined();
    const writer = REPLICAS.find((name) => replicas[name].posts > posts[name]!);
    expect(writer).toBeDefined();
    for (const { probe, replica, gateway } of located) {
      const result = await probe.next(15_000);
      expect((result.data as MyOrderUpdatesSubscription).myOrderUpdates).toEqual({
        id: orderId,
        status: 'PAID',
        user: { name: 'Grace Hopper' },
      });
      console.info(
        `change written by ${writer}; delivered to a subscriber of gateway ${gateways.indexOf(gateway) + 1} held by ${replica}`,
      );
    }
    // Someone was on the replica that did not write it: the event crossed replicas through the broker.
    expect(located.some(({ replica }) => replica !== writer)).toBe(true);
  });

  it('ends the subscriptions of a replica that dies with SUBSCRIPTION_INTERRUPTED; subscribing again works', async () => {
    onTestFailed(printHaproxyOutput);
    const { probe, replica } = await subscribeAndLocate(gateways[1]!);
    // A crash, as far as anyone can tell: every connection cut, nothing closed cleanly.
    const victim = replicas[replica];
    for (const socket of victim.sockets) socket.destroy();
    await victim.server.close(0);
    const ending = await probe.ended;
    expect(ending).toEqual({ kind: 'complete' });
    expect(probe.results.at(-1)).toMatchObject({
      errors: [{ extensions: { code: 'SUBSCRIPTION_INTERRUPTED' } }],
    });
    // The client subscribes again: HAProxy sends it to the replica that is left.
    const survivor = REPLICAS.find((name) => name !== replica)!;
    const before = (await held())[survivor];
    const again = subscribe(gateways[1]!);
    await eventually(async () => expect((await held())[survivor]).toBe(before + 1), { timeoutMs: 15_000 });
    const orderId = await pendingOrderOfGrace().catch(async () => {
      // The first test moved the PENDING order on: take the PAID one.
      const mine = await request<{ me: { orders: { edges: { node: { id: string; status: string } }[] } } }>(
        gateways[0]!,
        print(MyOrdersDocument),
        { first: 10 },
        grace,
      );
      return mine.body.data!.me.orders.edges.find(({ node }) => node.status === 'PAID')!.node.id;
    });
    const current = await request<{ setOrderStatus: { status: string } }>(
      gateways[1]!,
      print(SetOrderStatusDocument),
      { id: orderId, status: 'CANCELLED' },
      admin,
    );
    expect(current.body.errors).toBeUndefined();
    await eventually(
      async () => {
        const result = again.results.find(
          (one) => (one.data as MyOrderUpdatesSubscription | undefined)?.myOrderUpdates.id === orderId,
        );
        expect(result?.data).toMatchObject({ myOrderUpdates: { status: 'CANCELLED' } });
      },
      { timeoutMs: 15_000 },
    );
  });
});
