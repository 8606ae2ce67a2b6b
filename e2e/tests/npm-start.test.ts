import { demoProduct } from '@supergraph/demo-data';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { tcpAnswers } from '@supergraph/service-kit/net';
import { eventually, freePort } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  DeleteMeDocument,
  OrderDocument,
  PlaceOrderDocument,
  SignUpDocument,
} from '../src/generated/operations.ts';
import { gatewayClient, type GatewayClient } from './gateway-client.ts';

/**
 * `npm start` as a newcomer runs it (scripts/start.ts, the real entry point, as a child process): with AMQP_URL
 * and REDIS_URL unset it finds the machine's RabbitMQ and Redis by itself, says so in its banner, and the one
 * cross-service flow that goes through the broker works — deleteMe cancels the user's pending order.
 * Ports, PGlite folders and the broker's names are this run's own, so it never meets a developer's `npm start`.
 */
const ROOT = join(import.meta.dirname, '../..');
const prefix = uniquePrefix('npmstart');
const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));

describe('npm start', () => {
  let child: ChildProcess | undefined;
  const output: string[] = [];
  let client: GatewayClient;
  let ports: Record<string, number> = {};

  beforeAll(async () => {
    const [users, orders, gateway, metrics, web] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    ports = { users, orders, gateway, metrics, web };
    const env: Record<string, string | undefined> = {
      ...process.env,
      USERS_PORT: String(users),
      ORDERS_PORT: String(orders),
      GATEWAY_PORT: String(gateway),
      WEB_PORT: String(web),
      CORS_ORIGINS: undefined,
      METRICS_PORT: String(metrics),
      USERS_DATA_DIR: join(dataDir, 'users'),
      ORDERS_DATA_DIR: join(dataDir, 'orders'),
      EVENTS_PREFIX: prefix,
      REDIS_KEY_PREFIX: prefix,
      // What a newcomer's shell has: none of the URLs the stack finds by itself.
      AMQP_URL: undefined,
      REDIS_URL: undefined,
      LOG_FORMAT: undefined,
    };
    child = spawn(process.execPath, ['scripts/start.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    await eventually(
      () => {
        if (child?.exitCode !== null) throw new Error(`npm start exited:\n${output.join('').slice(-5_000)}`);
        expect(output.join('')).toContain('Supergraph gateway ready');
      },
      { timeoutMs: 110_000, intervalMs: 250 },
    );
    client = gatewayClient(`http://127.0.0.1:${gateway}/graphql`);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await deleteTopology(testAmqpUrl(), prefix, ['orders']);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the local RabbitMQ and Redis and says so in its banner', () => {
    onTestFailed(() => console.error(output.join('').slice(-10_000)));
    const text = output.join('');
    expect(text).toContain('events: RabbitMQ at amqp://guest:***@127.0.0.1:5672');
    expect(text).toContain('rate limits: counted in Redis at redis://127.0.0.1:6379');
  });

  it("serves the web app on the dev server, pointed at the gateway, and prints its URL beside the gateway's", async () => {
    onTestFailed(() => console.error(output.join('').slice(-10_000)));
    expect(output.join('')).toContain(`Web app: http://127.0.0.1:${ports['web']}`);
    const page = await fetch(`http://127.0.0.1:${ports['web']}/orders`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(
      `<meta name="supergraph-gateway-url" content="http://127.0.0.1:${ports['gateway']}/graphql"`,
    );
    // The gateway allows the app's origin on its port (CORS preflight), as a browser on the app asks it.
    const preflight = await fetch(`http://127.0.0.1:${ports['gateway']}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: `http://127.0.0.1:${ports['web']}`,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${ports['web']}`);
  });

  it('writes JSON log lines, prefixed by service, when its output is not a terminal', () => {
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('users   | '));
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0]!.slice('users   | '.length))).toMatchObject({ service: 'users' });
  });

  it('cancels a deleted user’s pending order through the broker', async () => {
    onTestFailed(() => console.error(output.join('').slice(-10_000)));
    const signUp = await client.request(SignUpDocument, {
      input: { email: 'newcomer@example.com', name: 'New Comer', password: 'a long enough password' },
    });
    expect(signUp.body.errors).toBeUndefined();
    const token = signUp.body.data!.signUp.token;
    const placed = await client.request(
      PlaceOrderDocument,
      { input: { currency: 'EUR', items: [{ productId: demoProduct('CABLE-USBC').id, quantity: 1 }] } },
      token,
    );
    expect(placed.body.errors).toBeUndefined();
    const orderId = placed.body.data!.placeOrder.id;
    expect(placed.body.data!.placeOrder.status).toBe('PENDING');

    expect((await client.request(DeleteMeDocument, {}, token)).body).toEqual({ data: { deleteMe: true } });

    const admin = await client.logIn('ada@example.com');
    // Usually about a second (users' outbox relay → RabbitMQ → orders' consumer); the bound is only generous.
    const order = await eventually(
      async () => {
        const response = await client.request(OrderDocument, { id: orderId }, admin);
        expect(response.body.data?.order?.status).toBe('CANCELLED');
        return response.body;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(order).toEqual({
      data: { order: { id: orderId, status: 'CANCELLED', user: { name: 'Deleted user' } } },
    });
  });

  it('stops every service on SIGTERM', async () => {
    child!.kill('SIGTERM');
    const [code] = (await once(child!, 'exit')) as [number | null];
    expect(code).toBe(0);
    for (const port of Object.values(ports))
      expect(await tcpAnswers(`http://127.0.0.1:${port}`, port)).toBe(false);
  });
});
