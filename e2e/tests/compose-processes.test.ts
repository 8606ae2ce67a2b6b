import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dropServiceDatabase,
  provisionServiceDatabase,
  SERVICE_DATABASES,
  type ServiceDatabase,
} from '@supergraph/db-provision';
import { eventually, freePort } from '@supergraph/testing';
import { subscribeWs, wsClient } from '@supergraph/testing/subscriptions';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { parse } from 'yaml';
import { interpolate } from './compose-file.ts';
import { gatewayClient, type GatewayClient } from './gateway-client.ts';
import {
  CreateProductDocument,
  MyOrderUpdatesDocument,
  MyOrdersDocument,
  PlaceOrderDocument,
  SignUpDocument,
} from '../src/generated/operations.ts';
import { signAccessToken } from '@supergraph/service-kit/auth';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * The docker-compose stack without containers: each Node service's real entry point as a child process, with
 * the environment docker-compose.yml gives it, changed only where a container differs from a process on this
 * machine — host names and ports (everything on 127.0.0.1, each on a free port) and the database URLs
 * (databases and roles provisioned like the real ones, with names unique to this run). Needs real PostgreSQL.
 */
/** PostgreSQL-only: the machine's (TEST_DATABASE_URL or 127.0.0.1:5432), in every run of `npm test`. */
const adminUrl = machinePostgresUrl();
const ROOT = join(import.meta.dirname, '../..');

interface ComposeService {
  build?: { args?: { SERVICE?: string; SERVICE_DIR?: string } };
  environment?: Record<string, string>;
}

/** The compose services run here: one orders replica is enough, so the gateway is pointed straight at it. */
const RUN = { users: 'users', orders: 'orders-a', catalog: 'catalog', gateway: 'gateway' } as const;
type Subgraph = Exclude<Name, 'gateway'>;
type Name = keyof typeof RUN;

/** What `.env` would hold: the values docker-compose interpolates. */
const run = randomBytes(3).toString('hex');
const dotEnv: Record<string, string> = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  INTERNAL_SECRET: randomBytes(32).toString('hex'),
  USERS_DB_PASSWORD: randomBytes(12).toString('hex'),
  ORDERS_DB_PASSWORD: randomBytes(12).toString('hex'),
  CATALOG_DB_PASSWORD: randomBytes(12).toString('hex'),
  // The broker here is the machine's RabbitMQ with its default account.
  RABBITMQ_USER: 'guest',
  RABBITMQ_PASSWORD: 'guest',
};
/** Exchanges, queues and Redis keys of this run only, so parallel runs and the machine's other users never mix. */
const eventsPrefix = uniquePrefix('compose');
const databaseOf = (service: Subgraph) => {
  const spec = SERVICE_DATABASES.find((candidate) => candidate.service === service)!;
  const password = dotEnv[spec.passwordVariable]!;
  return {
    spec,
    password,
    provision: { database: `t${run}_${spec.database}`, role: `t${run}_${spec.role}`, password },
  };
};

interface Child {
  process: ChildProcess;
  output: string[];
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

describe('the docker-compose services as plain processes', () => {
  const children: Partial<Record<Name, Child>> = {};
  const databases: Partial<Record<Subgraph, ServiceDatabase>> = {};
  const ports = {} as Record<Name, number>;
  let gatewayUrl = '';

  const printOutput = () => {
    for (const [name, child] of Object.entries(children)) {
      console.error(
        `----- ${name} (exit ${child.process.exitCode ?? child.process.signalCode ?? 'running'}) -----\n${child.output.join('').slice(-20_000)}`,
      );
    }
  };

  /** The service's environment exactly as docker-compose computes it, then rewritten for a process here. */
  function environmentOf(name: Name, service: ComposeService): Record<string, string> {
    const environment = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), dotEnv),
      ]),
    );
    // Containers listen on every interface of their own network namespace; processes here only on loopback.
    expect(environment['HOST']).toBe('0.0.0.0');
    environment['HOST'] = '127.0.0.1';
    // Host names are compose service names: each becomes 127.0.0.1 and the port its process listens on.
    const addresses: Record<string, string> = {
      'users:4001': `127.0.0.1:${ports.users}`,
      // In compose the gateway reaches orders through orders-lb; here it goes straight to the one replica.
      'orders-lb:4002': `127.0.0.1:${ports.orders}`,
      'catalog:4003': `127.0.0.1:${ports.catalog}`,
      'rabbitmq:5672': '127.0.0.1:5672',
      'redis:6379': '127.0.0.1:6379',
    };
    for (const [key, value] of Object.entries(environment)) {
      environment[key] = value.replace(
        /(?<=^(?:https?|amqp|redis):\/\/(?:[^@/]*@)?)[\w-]+:\d+/,
        (address) => addresses[address] ?? address,
      );
      // CORS_ORIGINS lists the browser origins the gateway accepts (the web app's), not an address it dials.
      if (key !== 'CORS_ORIGINS' && /^(?:https?|amqp|redis):\/\//.test(environment[key]!)) {
        expect(
          new URL(environment[key]!).hostname,
          `${RUN[name]} ${key}: an address this test does not know`,
        ).toBe('127.0.0.1');
      }
    }
    // Not in compose (each deployment has its own broker and Redis); here they keep this run apart.
    if ('AMQP_URL' in environment) environment['EVENTS_PREFIX'] = eventsPrefix;
    if ('REDIS_URL' in environment) environment['REDIS_KEY_PREFIX'] = eventsPrefix;
    // The gateway's internal metrics port (default 9464, not published by compose): any free one here.
    if (name === 'gateway') environment['METRICS_PORT'] = '0';
    expect(environment['PORT']).toBe(
      { users: '4001', orders: '4002', catalog: '4003', gateway: '4000' }[name],
    );
    environment['PORT'] = String(ports[name]);
    if (name !== 'gateway') {
      // The URL names the compose database container, role and database: the ones db-provision creates.
      const { spec, password } = databaseOf(name);
      expect(environment['DATABASE_URL']).toBe(
        `postgres://${spec.role}:${password}@${name}-db:5432/${spec.database}`,
      );
      environment['DATABASE_URL'] = databases[name]!.url;
    }
    return environment;
  }

  function start(name: Name, service: ComposeService) {
    // The image's WORKDIR is the service's folder and its CMD `node src/index.ts`.
    const directory = service.build?.args?.SERVICE_DIR;
    expect(directory, `${RUN[name]} build.args.SERVICE_DIR`).toBeDefined();
    const child = spawn(process.execPath, ['src/index.ts'], {
      cwd: join(ROOT, directory!),
      env: { PATH: process.env['PATH'], ...environmentOf(name, service) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    children[name] = { process: child, output, exited: once(child, 'exit') as Child['exited'] };
  }

  async function ready(name: Name) {
    const child = children[name]!.process;
    await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          return `exited (${child.exitCode ?? child.signalCode})`;
        const response = await fetch(`http://127.0.0.1:${ports[name]}/health/ready`);
        if (response.status !== 200) throw new Error(`${name}: /health/ready answered ${response.status}`);
        return 'ready';
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    ).then((state) => expect(state, `${name} /health/ready`).toBe('ready'));
  }

  // The gateway's port is chosen in beforeAll.
  const request: GatewayClient['request'] = (document, variables, token) =>
    gatewayClient(gatewayUrl).request(document, variables, token);

  beforeAll(async () => {
    try {
      databases.users = await provisionServiceDatabase(adminUrl, databaseOf('users').provision);
      databases.orders = await provisionServiceDatabase(adminUrl, databaseOf('orders').provision);
      databases.catalog = await provisionServiceDatabase(adminUrl, databaseOf('catalog').provision);
      for (const name of Object.keys(RUN) as Name[]) ports[name] = await freePort();
      gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;

      const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
        services: Record<string, ComposeService>;
      };
      // In compose order: each service once what it depends on is healthy.
      start('users', compose.services[RUN.users]!);
      start('orders', compose.services[RUN.orders]!);
      start('catalog', compose.services[RUN.catalog]!);
      await Promise.all([ready('users'), ready('orders'), ready('catalog')]);
      start('gateway', compose.services[RUN.gateway]!);
      await ready('gateway');
    } catch (error) {
      printOutput();
      throw error;
    }
  });

  afterAll(async () => {
    for (const child of Object.values(children)) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGKILL');
        await child.exited;
      }
    }
    if (!adminUrl) return;
    await deleteTopology(testAmqpUrl(), eventsPrefix, ['orders']);
    await dropServiceDatabase(adminUrl, databaseOf('orders').provision);
    await dropServiceDatabase(adminUrl, databaseOf('catalog').provision);
    await dropServiceDatabase(adminUrl, databaseOf('users').provision);
  });

  it('serves a new customer: sign up, place an order of a product an admin added, read it back with its user through the gateway', async () => {
    onTestFailed(printOutput);
    // NODE_ENV=production, as in compose: no demo catalogue, so an admin adds a product (a token signed with the
    // deployment's JWT_SECRET, as an operator's would be), and orders learns it through the broker.
    const admin = await signAccessToken(
      { userId: randomUUID(), role: 'ADMIN' },
      { secret: dotEnv['JWT_SECRET']!, ttlSeconds: 300 },
    );
    const product = await request(
      CreateProductDocument,
      { input: { sku: `BOOK-${run}`, name: 'A book', price: { amount: 1_250, currency: 'EUR' } } },
      admin,
    );
    expect(product.body.errors).toBeUndefined();
    const productId = product.body.data!.createProduct.id;
    // No demo users either, so the customer signs up.
    const email = `compose-${run}@example.com`;
    const signUp = await request(SignUpDocument, {
      input: { email, name: 'Compose Customer', password: 'a-long-password' },
    });
    expect(signUp.body.errors).toBeUndefined();
    const token = signUp.body.data!.signUp.token;

    // product.created travels catalog's outbox → relay → RabbitMQ → orders' read model.
    const placed = await eventually(
      async () => {
        const response = await request(
          PlaceOrderDocument,
          { input: { currency: 'EUR', items: [{ productId, quantity: 2 }] } },
          token,
        );
        expect(response.body.errors).toBeUndefined();
        return response;
      },
      { timeoutMs: 20_000 },
    );
    expect(placed.body.data?.placeOrder.total).toEqual({ amount: 2_500, currency: 'EUR' });

    const mine = await request(MyOrdersDocument, { first: 5 }, token);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data?.me).toMatchObject({
      name: 'Compose Customer',
      orders: { edges: [{ node: { total: { amount: 2_500 }, user: { name: 'Compose Customer' } } }] },
    });
  });

  it('shuts every process down cleanly on SIGTERM: exit code 0, the gateway ending its subscriptions with 1001 first', async () => {
    onTestFailed(printOutput);
    const token = await gatewayClient(gatewayUrl).logIn(`compose-${run}@example.com`, 'a-long-password');
    const client = wsClient(gatewayUrl, token);
    const live = subscribeWs(client, { query: print(MyOrderUpdatesDocument) });
    // The subscription is running once orders holds it (its gauge, on its /metrics).
    await eventually(async () => {
      const text = await (await fetch(`http://127.0.0.1:${ports.orders}/metrics`)).text();
      expect(text).toMatch(/^subgraph_subscriptions_active(?:\{[^}]*\})? 1$/m);
    });
    const gateway = children.gateway!;
    gateway.process.kill('SIGTERM');
    // Retryable: graphql-ws reconnects on 1001 (to another replica, in a deployment).
    expect(await live.ended).toEqual({ kind: 'error', code: 1001 });
    await client.dispose();
    const exits = Object.entries(children).map(async ([name, child]) => {
      // The gateway has its signal already: a second one would make it exit at once (1).
      if (child !== gateway) child.process.kill('SIGTERM');
      const timeout = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
      const [code, signal] = await child.exited;
      clearTimeout(timeout);
      return [name, code ?? signal] as const;
    });
    expect(Object.fromEntries(await Promise.all(exits))).toEqual({
      users: 0,
      orders: 0,
      catalog: 0,
      gateway: 0,
    });
  });
});
