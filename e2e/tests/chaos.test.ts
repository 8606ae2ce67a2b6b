import { demoProduct } from '@supergraph/demo-data';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  dropServiceDatabase,
  provisionServiceDatabase,
  type ServiceDatabase,
} from '@supergraph/db-provision';
import { topologyOf } from '@supergraph/events';
import { uniquePrefix, withChannel } from '@supergraph/events/testing';
import { signAccessToken } from '@supergraph/service-kit/auth';
import { freePort } from '@supergraph/testing';
import postgres from 'postgres';
import { rememberDemoProduct } from './fixtures/known-product.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * The fault drill of issue 16 as a test. users, orders and the gateway run as their own processes
 * (`node src/index.ts`) on real PostgreSQL (databases of this run), a RabbitMQ node of this run (its own
 * Erlang node, port and data folder: the machine's shared broker is never touched) and the machine's Redis
 * (a key prefix of this run). Six clients place orders through the gateway without pause, each order with an
 * Idempotency-Key and retried with the same key on every "try again" answer or cut connection, while the
 * drill kills the orders process, restarts the broker, terminates the orders database's backends and kills
 * the gateway. Then it reconciles every answer with the databases and the broker.
 */
/** PostgreSQL-only: the machine's (TEST_DATABASE_URL or 127.0.0.1:5432), in every run of `npm test`. */
const adminUrl = machinePostgresUrl();
const ROOT = join(import.meta.dirname, '../..');
const WRITERS = 6;
/** Answers after which the same request is sent again with the same key. */
const RETRYABLE = new Set([
  'SUBGRAPH_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'IDEMPOTENCY_KEY_IN_USE',
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMITED',
]);
/** How long one logical order may take, retries included, before it counts as unresolved. */
const ORDER_DEADLINE_MS = 30_000;

const run = randomBytes(3).toString('hex');
const secrets = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  INTERNAL_SECRET: randomBytes(32).toString('hex'),
};
const prefix = uniquePrefix('chaos');
const specOf = (service: 'users' | 'orders') => ({
  database: `t${run}_chaos_${service}_db`,
  role: `t${run}_chaos_${service}_svc`,
  password: randomBytes(12).toString('hex'),
});
const specs = { users: specOf('users'), orders: specOf('orders') };

/** Polls `probe` every `intervalMs` until it returns true; false once `timeoutMs` passed. */
async function until(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (performance.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const ready = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1_000) })).status ===
  200;

/** Where Debian's packages put the RabbitMQ and Erlang programs, readable by every user. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The node could not bind a port it was given: another process took it after `freePort` found it free. */
class PortTakenError extends Error {}

/** A RabbitMQ node of this run only: started, stopped (SIGTERM, as an orchestrator does) and started again. */
class PrivateBroker {
  /** A node started on free ports, chosen again (up to three times) when another process took one first. */
  static async started(): Promise<PrivateBroker> {
    for (let attempt = 1; ; attempt += 1) {
      const broker = new PrivateBroker(await freePort(), await freePort());
      try {
        await broker.start();
        return broker;
      } catch (error) {
        await broker.destroy();
        if (!(error instanceof PortTakenError) || attempt === 3) throw error;
      }
    }
  }

  readonly dir = mkdtempSync(join(tmpdir(), 'chaos-rabbitmq-'));
  readonly node = `chaos${run}@localhost`;
  private child: ChildProcess | undefined;
  readonly output: string[] = [];

  readonly port: number;
  private readonly distPort: number;

  constructor(port: number, distPort: number) {
    this.port = port;
    this.distPort = distPort;
    // The server drops to the rabbitmq user: it must be able to write here.
    chmodSync(this.dir, 0o777);
    writeFileSync(join(this.dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
    writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
  }

  get url() {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('rabbitmq-server', [], {
      env: {
        // The system's PATH, not ours: the server script drops to the rabbitmq user and keeps PATH, and that user
        // may not be able to read a directory on ours (a private temporary one: exit 127, command not found).
        PATH: SYSTEM_PATH,
        HOME: this.dir,
        RABBITMQ_NODENAME: this.node,
        RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
        RABBITMQ_DIST_PORT: String(this.distPort),
        RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
        RABBITMQ_LOG_BASE: join(this.dir, 'log'),
        RABBITMQ_PID_FILE: join(this.dir, 'pid'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    // A node that stopped before listening has failed: say why at once instead of waiting out the timeout.
    // Its pid file too: a listener alone could be another process's, on a port taken since freePort found it.
    const up = await until(
      async () => exited || ((await listening(this.port)) && this.pid() !== undefined),
      120_000,
      100,
    );
    if (up && !exited) return;
    const output = this.output.join('');
    if (exited && /eaddrinuse/i.test(output)) throw new PortTakenError(output);
    throw new Error(
      `the private RabbitMQ did not start (${exited ? `it exited with ${child.exitCode}` : 'no listener after 120 s'}):\n${output.slice(-3_000)}`,
    );
  }

  /** The Erlang VM's pid (the server script runs it under another user, so the child's pid is not it). */
  private pid(): number | undefined {
    try {
      return Number(readFileSync(join(this.dir, 'pid'), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(async () => !alive(), 30_000, 50);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    this.child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface Service {
  name: 'users' | 'orders' | 'gateway';
  dir: string;
  port: number;
  env: Record<string, string>;
  child?: ChildProcess;
  output: string[];
  /** Exits nobody asked for: the drill's own kills are not counted. */
  unexpectedExits: number;
}

function start(service: Service): void {
  const child = spawn(process.execPath, ['src/index.ts'], {
    cwd: join(ROOT, service.dir),
    env: { PATH: process.env['PATH'], ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => service.output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => service.output.push(chunk.toString()));
  child.on('exit', () => {
    if (service.child === child) service.unexpectedExits += 1;
  });
  service.child = child;
}

async function kill(service: Service): Promise<void> {
  const child = service.child!;
  service.child = undefined;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Milliseconds from now until the service's /health/ready answers 200. */
async function readyAfter(service: Service, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  if (!(await until(() => ready(service.port), timeoutMs))) {
    throw new Error(`${service.name} not ready:\n${service.output.join('').slice(-3_000)}`);
  }
  return Math.round(performance.now() - started);
}

interface LogicalOrder {
  key: string;
  userId: string;
  orderId?: string;
  attempts: number;
  /** A non-retryable answer, or the order deadline passed. */
  failure?: string;
}

describe('chaos: faults under concurrent placeOrder load with idempotency keys', () => {
  let privateBroker: PrivateBroker;
  const databases: Partial<Record<'users' | 'orders', ServiceDatabase>> = {};
  const services = {} as Record<'users' | 'orders' | 'gateway', Service>;
  let admin: postgres.Sql;

  beforeAll(async () => {
    admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    // Started before any other port of this file is chosen, so none of them can be one the node is given.
    privateBroker = await PrivateBroker.started();
    databases.users = await provisionServiceDatabase(adminUrl, specs.users);
    databases.orders = await provisionServiceDatabase(adminUrl, specs.orders);
    const [usersPort, ordersPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...secrets,
      AMQP_URL: privateBroker.url,
      EVENTS_PREFIX: prefix,
      OUTBOX_POLL_INTERVAL_MS: '100',
      SEED_DEMO_DATA: 'false',
    };
    services.users = {
      name: 'users',
      dir: 'subgraphs/users',
      port: usersPort,
      env: { ...common, PORT: String(usersPort), DATABASE_URL: databases.users.url },
      output: [],
      unexpectedExits: 0,
    };
    services.orders = {
      name: 'orders',
      dir: 'subgraphs/orders',
      port: ordersPort,
      env: { ...common, PORT: String(ordersPort), DATABASE_URL: databases.orders.url },
      output: [],
      unexpectedExits: 0,
    };
    services.gateway = {
      name: 'gateway',
      dir: 'router',
      port: gatewayPort,
      env: {
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...secrets,
        PORT: String(gatewayPort),
        METRICS_PORT: '0',
        SUBGRAPH_USERS_URL: `http://127.0.0.1:${usersPort}/graphql`,
        SUBGRAPH_ORDERS_URL: `http://127.0.0.1:${ordersPort}/graphql`,
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `${prefix}gateway`,
        RATE_LIMIT_POINTS: '1000000',
        REQUEST_TIMEOUT_MS: '5000',
      },
      output: [],
      unexpectedExits: 0,
    };
    start(services.users);
    start(services.orders);
    await Promise.all([readyAfter(services.users), readyAfter(services.orders)]);
    // This test is about faults of orders, the broker and the gateway: catalog does not run, orders is told the
    // one product the customers order.
    await rememberDemoProduct(databases.orders.url, 'CABLE-USBC');
    start(services.gateway);
    await readyAfter(services.gateway);
  }, 300_000);

  afterAll(async () => {
    for (const service of Object.values(services)) {
      const child = service.child;
      service.child = undefined;
      child?.kill('SIGKILL');
    }
    await privateBroker?.destroy();
    await admin?.end();
    if (adminUrl) {
      if (databases.users) await dropServiceDatabase(adminUrl, specs.users);
      if (databases.orders) await dropServiceDatabase(adminUrl, specs.orders);
    }
  });

  it('kills orders, restarts the broker, terminates database backends, kills the gateway: 0 lost, 0 doubled, every event published and applied once', async () => {
    const gatewayUrl = `http://127.0.0.1:${services.gateway.port}/graphql`;
    const codes = new Map<string, number>();
    const count = (code: string) => codes.set(code, (codes.get(code) ?? 0) + 1);

    /** One attempt: the order id, or the code of a refusal (`NETWORK` for a cut connection). */
    async function attempt(
      query: string,
      variables: Record<string, unknown>,
      headers: Record<string, string>,
    ): Promise<{
      data?: Record<string, { id?: string; token?: string; user?: { id: string } }>;
      code?: string;
    }> {
      try {
        const response = await fetch(gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        let body: { data?: Record<string, never> | null; errors?: { extensions?: { code?: string } }[] };
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          return { code: `HTTP_${response.status}` };
        }
        if (body.errors?.length) return { code: body.errors[0]!.extensions?.code ?? 'NO_CODE' };
        return body.data ? { data: body.data } : { code: `HTTP_${response.status}` };
      } catch {
        return { code: 'NETWORK' };
      }
    }

    const retryable = (code: string) =>
      RETRYABLE.has(code) || code === 'NETWORK' || code.startsWith('HTTP_5');

    /** Sends the mutation with one key until it succeeds, is refused for good, or its deadline passes. */
    async function withRetries(
      query: string,
      variables: Record<string, unknown>,
      headers: Record<string, string>,
    ) {
      const started = performance.now();
      for (let attempts = 1; ; attempts++) {
        const result = await attempt(query, variables, headers);
        if (result.data) return { data: result.data, attempts };
        count(result.code!);
        if (!retryable(result.code!)) return { failure: result.code!, attempts };
        if (performance.now() - started > ORDER_DEADLINE_MS)
          return { failure: `DEADLINE (${result.code})`, attempts };
        await sleep(50 + Math.random() * 100);
      }
    }

    // Each writer signs up (with a key, so a retried sign-up is one account) and places orders until told to stop.
    const orders: LogicalOrder[] = [];
    const userIds: string[] = [];
    let stopping = false;
    const writer = async (index: number) => {
      const signUp = await withRetries(
        'mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id } } }',
        {
          input: {
            email: `chaos-${run}-${index}@example.com`,
            name: `Writer ${index}`,
            password: 'chaos passphrase',
          },
        },
        { 'idempotency-key': randomUUID() },
      );
      const session = signUp.data?.['signUp'];
      if (!session?.token || !session.user) throw new Error(`sign-up failed: ${signUp.failure}`);
      userIds.push(session.user.id);
      while (!stopping) {
        const order: LogicalOrder = { key: randomUUID(), userId: session.user.id, attempts: 0 };
        orders.push(order);
        const placed = await withRetries(
          'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
          {
            input: {
              currency: 'EUR',
              items: [{ productId: demoProduct('CABLE-USBC').id, quantity: 1 }],
            },
          },
          { authorization: `Bearer ${session.token}`, 'idempotency-key': order.key },
        );
        order.attempts = placed.attempts;
        if (placed.data?.['placeOrder']?.id) order.orderId = placed.data['placeOrder'].id;
        else order.failure = placed.failure ?? 'NO_DATA';
        await sleep(10);
      }
    };
    const suiteStarted = performance.now();
    const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
    const ordersDb = postgres(databases.orders!.url, { max: 2, onnotice: () => {} });
    const usersDb = postgres(databases.users!.url, { max: 1, onnotice: () => {} });
    const unpublished = async (sql: postgres.Sql) =>
      (await sql<{ n: number }[]>`select count(*)::int as n from outbox where published_at is null`)[0]!.n;
    // A customer of no orders: an answer with data means orders itself answered through the gateway (an
    // anonymous probe would now be refused by the gateway's authorization, before any subgraph).
    const probeToken = await signAccessToken(
      { userId: randomUUID(), role: 'CUSTOMER' },
      { secret: secrets.JWT_SECRET, ttlSeconds: 3_600 },
    );
    const servesOrders = async () => {
      const result = await attempt(
        '{ orders(first: 1) { edges { cursor } } }',
        {},
        { authorization: `Bearer ${probeToken}` },
      );
      return result.data?.['orders'] !== undefined;
    };

    // A copy of every order.placed event, in a durable queue of this run on the private broker.
    const probeQueue = `${prefix}chaos-probe`;
    await withChannel(privateBroker.url, async (channel) => {
      await channel.assertExchange(topologyOf(prefix).exchange, 'topic', { durable: true });
      await channel.assertQueue(probeQueue, { durable: true });
      await channel.bindQueue(probeQueue, topologyOf(prefix).exchange, 'order.placed');
    });
    await sleep(1_500);

    // 1. The orders process is killed (SIGKILL) and started again.
    await kill(services.orders);
    await sleep(500);
    start(services.orders);
    const ordersReadyMs = await readyAfter(services.orders);
    const servedAt = performance.now();
    expect(await until(servesOrders, 10_000), 'the gateway serves orders soon after its readiness').toBe(
      true,
    );
    const ordersServedAfterReadyMs = Math.round(performance.now() - servedAt);

    // 2. The broker stops (SIGTERM) for a second while orders are placed, then starts again.
    await privateBroker.stop();
    await sleep(1_000);
    const backlog = await unpublished(ordersDb);
    await privateBroker.start();
    const brokerBackAt = performance.now();
    expect(await until(async () => (await unpublished(ordersDb)) === 0, 30_000, 50), 'outbox drained').toBe(
      true,
    );
    const outboxCaughtUpMs = Math.round(performance.now() - brokerBackAt);

    // 3. Every backend of the orders database is terminated, three times.
    const blipRecoveriesMs: number[] = [];
    for (let blip = 0; blip < 3; blip++) {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity
                  where datname = ${specs.orders.database} and pid <> pg_backend_pid()
                    and usename = ${specs.orders.role}`;
      blipRecoveriesMs.push(await readyAfter(services.orders, 2_000));
      await sleep(300);
    }

    // 4. The gateway is killed (SIGKILL) and started again.
    await kill(services.gateway);
    await sleep(300);
    start(services.gateway);
    const gatewayReadyMs = await readyAfter(services.gateway);
    await sleep(1_000);

    stopping = true;
    await Promise.all(writers);
    const loadSeconds = (performance.now() - suiteStarted) / 1_000;

    // Reconciliation. Every event waits in an outbox until the broker confirmed it.
    expect(await until(async () => (await unpublished(ordersDb)) === 0, 15_000, 50)).toBe(true);
    expect(await until(async () => (await unpublished(usersDb)) === 0, 15_000, 50)).toBe(true);

    const acknowledged = orders.filter((order) => order.orderId).map((order) => order.orderId!);
    const stored = await ordersDb<
      { id: string }[]
    >`select id from orders where user_id = any(${userIds}::uuid[])`;
    const storedIds = new Set(stored.map((row) => row.id));
    const lost = acknowledged.filter((id) => !storedIds.has(id)).length;
    const doubled =
      stored.length - new Set(acknowledged).size + (acknowledged.length - new Set(acknowledged).size);
    const unresolved = orders.filter((order) => order.failure);
    const retried = orders.filter((order) => order.attempts > 1).length;

    const placedEvents = await ordersDb<{ id: string; aggregate_id: string }[]>`
      select id, aggregate_id from outbox where type = 'order.placed'`;
    const received = new Map<string, number>();
    await withChannel(privateBroker.url, async (channel) => {
      for (let message = await channel.get(probeQueue, { noAck: true }); message;) {
        const id = String(message.properties.messageId);
        received.set(id, (received.get(id) ?? 0) + 1);
        message = await channel.get(probeQueue, { noAck: true });
      }
    });
    const neverDelivered = placedEvents.filter((event) => !received.has(event.id)).length;
    const redelivered = [...received.values()].filter((times) => times > 1).length;

    // user.registered: consumed by orders, applied once (inbox) into its read model of users.
    const registered = await usersDb<{ id: string }[]>`select id from outbox where type = 'user.registered'`;
    expect(
      await until(async () => {
        const [applied] = await ordersDb<{ n: number }[]>`
          select count(*)::int as n from inbox where event_id = any(${registered.map((event) => event.id)}::uuid[])`;
        return applied!.n === registered.length;
      }, 15_000),
    ).toBe(true);
    const [inboxRows] = await ordersDb<{ rows: number; events: number }[]>`
      select count(*)::int as rows, count(distinct event_id)::int as events from inbox
      where event_id = any(${registered.map((event) => event.id)}::uuid[])`;
    const [known] = await ordersDb<{ n: number }[]>`
      select count(*)::int as n from known_users where user_id = any(${userIds}::uuid[])`;
    await Promise.all([ordersDb.end(), usersDb.end()]);

    const figures = {
      writers: WRITERS,
      seconds: Math.round(loadSeconds),
      logicalOrders: orders.length,
      acknowledged: acknowledged.length,
      retriedOrders: retried,
      unresolved: unresolved.length,
      lost,
      doubled,
      refusalsRetried: Object.fromEntries(codes),
      ordersRestartReadyMs: ordersReadyMs,
      gatewayServesOrdersAfterItsReadinessMs: ordersServedAfterReadyMs,
      brokerDownOutboxBacklog: backlog,
      outboxCaughtUpAfterBrokerBackMs: outboxCaughtUpMs,
      databaseBlipReadinessMs: blipRecoveriesMs,
      gatewayRestartReadyMs: gatewayReadyMs,
      orderPlacedEvents: placedEvents.length,
      eventsNeverDelivered: neverDelivered,
      eventsRedelivered: redelivered,
      userRegisteredApplied: `${inboxRows!.events}/${registered.length} (inbox rows ${inboxRows!.rows})`,
    };
    console.log(`chaos figures: ${JSON.stringify(figures)}`);

    expect(unresolved.map((order) => order.failure)).toEqual([]);
    expect(lost).toBe(0);
    expect(doubled).toBe(0);
    expect(stored.length).toBe(acknowledged.length);
    expect(placedEvents.map((event) => event.aggregate_id).sort()).toEqual([...acknowledged].sort());
    expect(neverDelivered).toBe(0);
    expect(inboxRows).toEqual({ rows: registered.length, events: registered.length });
    expect(registered.length).toBe(WRITERS);
    expect(known!.n).toBe(WRITERS);
    expect(
      Object.values(services).map((service) => [service.name, service.unexpectedExits]),
      Object.values(services)
        .map((service) => `${service.name}:\n${service.output.join('').slice(-2_000)}`)
        .join('\n'),
    ).toEqual([
      ['users', 0],
      ['orders', 0],
      ['gateway', 0],
    ]);
  }, 180_000);
});
