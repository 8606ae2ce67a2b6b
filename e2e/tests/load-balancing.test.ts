import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { buildOrdersService } from '@supergraph/orders/server';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { seedDemoOrders } from '@supergraph/orders/seed';
import { buildRouter } from '@supergraph/router/server';
import { loadEnv as loadRouterEnv } from '@supergraph/router/env';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { createTestDatabase, eventually, freePort, graphql, testSecrets } from '@supergraph/testing';
import { buildUsersService } from '@supergraph/users/server';
import { openUsersDatabase } from '@supergraph/users/db';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import { seedDemoUsers } from '@supergraph/users/seed';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * Two orders replicas on one PostgreSQL database behind HAProxy, configured by deploy/haproxy/orders.cfg (the
 * file docker-compose mounts), with the gateway sending every orders fetch to HAProxy. PGlite lives inside
 * one process and cannot be shared by two replicas, so this runs on real PostgreSQL only: the machine's
 * (TEST_DATABASE_URL or 127.0.0.1:5432), in every run of `npm test`.
 */
const adminUrl = machinePostgresUrl();
const HAPROXY_CONFIG = join(import.meta.dirname, '../../deploy/haproxy/orders.cfg');
const REPLICAS = ['orders-a', 'orders-b'] as const;
type Replica = (typeof REPLICAS)[number];

const MY_ORDERS = '{ orders(first: 5) { edges { node { id total { amount } } } } }';
/** Requests the failover run sends, and how many are in flight at any time. */
const RUN_REQUESTS = 200;
const CONCURRENCY = 4;
/** After this many requests of the run completed, orders-a stops as soon as a request reaches it. */
const STOP_AFTER = 80;
/** Each replica takes this long per GraphQL request (as if it did real work), so requests overlap a stop. */
const WORK_MS = 10;

/** A port nobody listens on now: bound on 0 and released, for HAProxy to bind. */
/** HAProxy's view of one server, from its CSV statistics (`status` is UP, DOWN, "DOWN 1/2", …). */
interface ServerStats {
  status: string;
  /** Requests sent to it, failed connections, failed responses, and requests redispatched from it to another. */
  sessions: number;
  connectionErrors: number;
  responseErrors: number;
  redispatched: number;
}

describe('orders replicas behind HAProxy', () => {
  const secrets = testSecrets();
  const common = { ...secrets, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0' };
  const logger = createLogger('e2e', 'silent');
  const cleanups: (() => Promise<unknown>)[] = [];
  /** GraphQL requests each replica received, and those it is handling right now. */
  const hits: Record<Replica, number> = { 'orders-a': 0, 'orders-b': 0 };
  const inFlight: Record<Replica, number> = { 'orders-a': 0, 'orders-b': 0 };
  const servers = {} as Record<Replica, RunningServer>;
  const haproxyOutput: string[] = [];
  let haproxy: ChildProcess | undefined;
  let lbUrl = '';
  let gatewayUrl = '';
  let token = '';
  /** When the failover run stopped orders-a, and how long HAProxy took to mark it down (watched from then on). */
  let stoppedAt = 0;
  let markedDown: Promise<number> | undefined;
  /** Told of every GraphQL request a replica receives, before it handles it. */
  let onReplicaRequest: ((name: Replica) => void) | undefined;

  const countingReplica =
    (name: Replica, app: RequestListener): RequestListener =>
    (req, res) => {
      if (!req.url?.startsWith('/graphql')) return void app(req, res);
      hits[name] += 1;
      inFlight[name] += 1;
      res.once('close', () => (inFlight[name] -= 1));
      onReplicaRequest?.(name);
      setTimeout(() => app(req, res), WORK_MS);
    };

  async function stats(): Promise<Record<Replica, ServerStats>> {
    const response = await fetch(`${lbUrl}/haproxy/stats;csv`);
    if (!response.ok) throw new Error(`HAProxy statistics: HTTP ${response.status}`);
    const [header, ...rows] = (await response.text()).trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const result = {} as Record<Replica, ServerStats>;
    for (const row of rows) {
      const cells = Object.fromEntries(row.split(',').map((cell, index) => [columns[index], cell]));
      const name = cells['svname'] as Replica;
      if (cells['pxname'] !== 'orders' || !REPLICAS.includes(name)) continue;
      result[name] = {
        status: cells['status'] ?? '',
        sessions: Number(cells['stot']),
        connectionErrors: Number(cells['econ']),
        responseErrors: Number(cells['eresp']),
        redispatched: Number(cells['wredis']),
      };
    }
    return result;
  }

  const printHaproxyOutput = () => console.error(`HAProxy output:\n${haproxyOutput.join('').slice(-20_000)}`);

  async function myOrders() {
    return graphql<{ orders: { edges: unknown[] } }>(
      gatewayUrl,
      MY_ORDERS,
      {},
      { authorization: `Bearer ${token}` },
    );
  }

  beforeAll(async () => {
    const usersDb = await createTestDatabase('lb_users', adminUrl);
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

    // One database, two replicas, each with its own connection pool — as two containers would be.
    const ordersDb = await createTestDatabase('lb_orders', adminUrl);
    cleanups.push(() => ordersDb.drop());
    const ordersEnv = loadOrdersEnv({ ...common, DATABASE_URL: ordersDb.url });
    for (const [index, name] of REPLICAS.entries()) {
      const database = await openOrdersDatabase(ordersEnv);
      cleanups.unshift(() => database.close());
      // Every replica migrates on start (a no-op for the second) and is ready only once it did.
      await database.migrate();
      if (index === 0) await seedDemoOrders(database.db);
      const service = await buildOrdersService({ env: ordersEnv, logger, database });
      cleanups.unshift(() => service.stop());
      servers[name] = await listen(countingReplica(name, service.app), 0, '127.0.0.1');
      cleanups.unshift(() => servers[name].close(1_000));
    }

    const lbPort = await freePort();
    lbUrl = `http://127.0.0.1:${lbPort}`;
    haproxy = spawn('haproxy', ['-f', HAPROXY_CONFIG, '-db'], {
      env: {
        PATH: process.env['PATH'],
        ORDERS_LB_BIND: `127.0.0.1:${lbPort}`,
        ORDERS_A_ADDR: `127.0.0.1:${servers['orders-a'].port}`,
        ORDERS_B_ADDR: `127.0.0.1:${servers['orders-b'].port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(haproxy, 'exit');
    haproxy.stdout?.on('data', (chunk: Buffer) => haproxyOutput.push(chunk.toString()));
    haproxy.stderr?.on('data', (chunk: Buffer) => haproxyOutput.push(chunk.toString()));
    const spawnFailed = once(haproxy, 'error').then(([error]: unknown[]) => {
      throw new Error(`cannot run haproxy (.ci/run installs it with apt-get): ${String(error)}`);
    });
    cleanups.unshift(async () => {
      if (!haproxy || haproxy.exitCode !== null || haproxy.signalCode !== null) return;
      haproxy.kill('SIGTERM');
      const killed = setTimeout(() => haproxy?.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killed);
    });

    // Both replicas pass HAProxy's health check (two in a row) before any traffic is sent.
    try {
      await Promise.race([
        spawnFailed,
        eventually(
          async () => {
            const servers = await stats();
            for (const name of REPLICAS)
              if (servers[name]?.status !== 'UP') throw new Error(`${name}: ${servers[name]?.status}`);
          },
          { timeoutMs: 15_000, intervalMs: 200 },
        ),
      ]);
    } catch (error) {
      printHaproxyOutput();
      throw error;
    }

    const router = buildRouter(
      loadRouterEnv({
        ...common,
        SUBGRAPH_USERS_URL: `${usersServer.url}/graphql`,
        SUBGRAPH_ORDERS_URL: `${lbUrl}/graphql`,
        RATE_LIMIT_POINTS: '100000',
        // Every client request must reach a replica: the test counts requests per replica.
        DEDUPLICATE_INFLIGHT: 'false',
      }),
      logger,
    );
    await router.start();
    cleanups.unshift(() => router.stop());
    const gateway = await listen(router.app, 0, '127.0.0.1');
    cleanups.unshift(() => gateway.close(1_000));
    gatewayUrl = `${gateway.url}/graphql`;

    const logIn = await graphql<{ logIn: { token: string } }>(
      gatewayUrl,
      'mutation ($email: String!) { logIn(email: $email, password: "demo-password") { token } }',
      { email: 'grace@example.com' },
    );
    token = logIn.body.data?.logIn.token ?? '';
    expect(token, JSON.stringify(logIn.body.errors)).not.toBe('');
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('spreads the orders fetches round robin over both replicas', async () => {
    onTestFailed(printHaproxyOutput);
    const before = { ...hits };
    for (let i = 0; i < 20; i++) {
      const response = await myOrders();
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.orders.edges).toHaveLength(3);
    }
    const served = REPLICAS.map((name) => hits[name] - before[name]);
    console.info(
      `20 queries through the gateway: orders-a served ${served[0]}, orders-b served ${served[1]}`,
    );
    expect(served[0]! + served[1]!).toBe(20);
    for (const count of served) expect(count).toBeGreaterThanOrEqual(8);
  });

  it('loses no request when a replica stops mid-run, beyond those in flight on it', async () => {
    onTestFailed(printHaproxyOutput);
    const failures: { index: number; afterStop: boolean; status: number; error: string }[] = [];
    const perReplica = { before: { ...hits }, atStop: { ...hits } };
    let started = 0;
    let completed = 0;
    let stopped: Promise<void> | undefined;
    let inFlightAtStop = 0;
    let completedAtStop = 0;
    const deadline = Date.now() + 60_000;

    const worker = async () => {
      while (started < RUN_REQUESTS && Date.now() < deadline) {
        const index = started++;
        // A failure counts as after the stop when its answer came after it: the requests cut by the stop do.
        try {
          const response = await myOrders();
          if (
            response.status !== 200 ||
            response.body.errors ||
            response.body.data?.orders.edges.length !== 3
          ) {
            const error = JSON.stringify(response.body.errors);
            failures.push({ index, afterStop: stopped !== undefined, status: response.status, error });
          }
        } catch (error) {
          failures.push({ index, afterStop: stopped !== undefined, status: 0, error: String(error) });
        }
        completed += 1;
      }
    };
    // The stop catches a request on orders-a mid-work: the hard case, a response HAProxy never gets.
    onReplicaRequest = (name) => {
      if (name !== 'orders-a' || completed < STOP_AFTER || stopped) return;
      inFlightAtStop = inFlight['orders-a'];
      completedAtStop = completed;
      perReplica.atStop = { ...hits };
      // Cuts open connections at once, in-flight requests included: a crash, as far as HAProxy can tell.
      stopped = servers['orders-a'].close(0);
      stoppedAt = Date.now();
      markedDown = eventually(
        async () => {
          const { 'orders-a': a } = await stats();
          if (!a?.status.startsWith('DOWN')) throw new Error(`HAProxy still has orders-a ${a?.status}`);
          return Date.now() - stoppedAt;
        },
        { timeoutMs: 10_000, intervalMs: 25 },
      );
      // Awaited by the next test; this only keeps a failure from being reported as unhandled meanwhile.
      markedDown.catch(() => {});
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    onReplicaRequest = undefined;
    await stopped;

    const lb = await stats();
    const share = (from: Record<Replica, number>, to: Record<Replica, number>) =>
      REPLICAS.map((name) => `${name} ${to[name] - from[name]}`).join(', ');
    // One fetch per query, so every extra fetch is a query sent again: by the gateway, after its first try
    // was cut on orders-a (HAProxy itself never re-sends a request a replica received).
    const resent = REPLICAS.reduce((sum, name) => sum + hits[name] - perReplica.before[name], 0) - completed;
    console.info(
      [
        `failover run: ${completed} queries, ${CONCURRENCY} at a time; orders-a stopped after ${completedAtStop} with ${inFlightAtStop} in flight on it`,
        `  fetches before the stop: ${share(perReplica.before, perReplica.atStop)}; after: ${share(perReplica.atStop, hits)}; sent again by the gateway: ${resent}`,
        `  failed before the stop: ${failures.filter((failure) => !failure.afterStop).length}, after: ${failures.filter((failure) => failure.afterStop).length}`,
        `  HAProxy on orders-a: connection errors ${lb['orders-a']?.connectionErrors}, response errors ${lb['orders-a']?.responseErrors}, requests redispatched to orders-b ${lb['orders-a']?.redispatched}`,
      ].join('\n'),
    );
    expect(completed).toBe(RUN_REQUESTS);
    expect(stopped).toBeDefined();
    expect(failures.filter((failure) => !failure.afterStop)).toEqual([]);
    // Requests that found orders-a gone were redispatched by HAProxy; one cut mid-work on it is retried once by
    // the gateway (a query: idempotent). At most the requests in flight on it at the stop may fail.
    expect(failures.length, JSON.stringify(failures)).toBeLessThanOrEqual(inFlightAtStop);
    expect(inFlightAtStop).toBeGreaterThanOrEqual(1);
    expect(inFlightAtStop).toBeLessThanOrEqual(CONCURRENCY);
    expect(resent).toBeLessThanOrEqual(inFlightAtStop);
    // Both served traffic until the stop; afterwards only orders-b did.
    expect(perReplica.atStop['orders-a'] - perReplica.before['orders-a']).toBeGreaterThan(0);
    expect(perReplica.atStop['orders-b'] - perReplica.before['orders-b']).toBeGreaterThan(0);
    expect(hits['orders-a']).toBe(perReplica.atStop['orders-a']);
    expect(hits['orders-b'] - perReplica.atStop['orders-b']).toBeGreaterThanOrEqual(
      RUN_REQUESTS - completedAtStop - CONCURRENCY,
    );
  });

  it('marks the stopped replica down and sends everything to the other one', async () => {
    onTestFailed(printHaproxyOutput);
    expect(markedDown, 'the failover run stopped orders-a').toBeDefined();
    // Two refused connections in a row mark it down at once; failing that, two failed checks 1 s apart.
    const markedDownMs = await markedDown!;
    expect(markedDownMs).toBeLessThan(3_000);
    const lb = await stats();
    expect(lb['orders-b']?.status).toBe('UP');

    const before = { ...hits };
    for (let i = 0; i < 20; i++) {
      const response = await myOrders();
      expect(response.body.errors).toBeUndefined();
    }
    const after = await stats();
    console.info(
      `orders-a marked DOWN by HAProxy ${markedDownMs} ms after its stop; then 20 queries: orders-b served ${hits['orders-b'] - before['orders-b']}, ` +
        `HAProxy tried orders-a ${after['orders-a']!.sessions - lb['orders-a']!.sessions} times`,
    );
    expect(hits['orders-a']).toBe(before['orders-a']);
    expect(hits['orders-b'] - before['orders-b']).toBe(20);
    // Once down, HAProxy does not even try orders-a: no new sessions, errors or redispatches on it.
    expect(after['orders-a']).toEqual(lb['orders-a']);
  });
});
