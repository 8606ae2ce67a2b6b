import { demoProduct } from '@supergraph/demo-data';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type SubgraphInterceptor, type SubgraphName } from './stack.ts';

/**
 * What a client gets when a subgraph fails: the data the other subgraph could give, an error naming the
 * missing service on exactly the fields it should have answered, HTTP 200, and an answer within the
 * gateway's timeouts, never a hang. Timeouts and breaker thresholds are tiny so each case takes a second.
 */
let resilient: Stack;
let breaker: Stack;
let shutdown: Stack;

beforeAll(async () => {
  [resilient, breaker, shutdown] = await Promise.all([
    startStack('failure_resilient', {
      gateway: {
        SUBGRAPH_ORDERS_TIMEOUT_MS: '300',
        // users keeps SUBGRAPH_TIMEOUT_MS (10 s): only the request deadline can cut it short.
        REQUEST_TIMEOUT_MS: '1500',
        // Failures in these cases must not open the breaker; it has its own stack below.
        BREAKER_VOLUME_THRESHOLD: '1000',
      },
    }),
    startStack('failure_breaker', {
      gateway: {
        BREAKER_VOLUME_THRESHOLD: '3',
        BREAKER_ERROR_THRESHOLD_PERCENT: '50',
        // Far beyond the test: a recovery it sees comes from the readiness probe, not the reset period.
        BREAKER_RESET_MS: '60000',
        BREAKER_RECOVERY_PROBE_MS: '100',
      },
    }),
    startStack('failure_shutdown'),
  ]);
});
afterAll(async () => {
  await Promise.all([resilient?.close(), breaker?.close(), shutdown?.close()]);
});

const ME_WITH_ORDERS = '{ me { name orders { edges { node { id } } } } }';
const ME_AND_ORDER = 'query ($id: ID!) { me { name } order(id: $id) { id status } }';

const unavailable = (service: SubgraphName, path?: (string | number)[]) => ({
  message: `The ${service} service is unavailable; try again shortly.`,
  ...(path ? { path } : {}),
  extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: service },
});

/** Only GraphQL requests: the gateway's readiness checks reach the subgraphs too. */
const graphqlOnly =
  (interceptor: SubgraphInterceptor): SubgraphInterceptor =>
  (req, res) =>
    req.url?.startsWith('/graphql') ? interceptor(req, res) : false;

/** A subgraph that answers `ms` later than usual. */
const slowBy = (ms: number) =>
  graphqlOnly(async () => {
    await sleep(ms);
    return false;
  });

/** A subgraph behind a proxy that answers `status` to the first `times` requests. */
function failing(status: number, times = Number.POSITIVE_INFINITY) {
  let failed = 0;
  return graphqlOnly((_req, res) => {
    if (failed >= times) return false;
    failed += 1;
    res.writeHead(status, { 'content-type': 'text/plain' }).end('upstream unavailable');
    return true;
  });
}

async function readiness(stack: Stack) {
  const response = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/health/ready'));
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('a subgraph that is down, slow or failing', () => {
  let grace: string;
  let graceOrderId: string;

  beforeAll(async () => {
    grace = await resilient.logIn('grace@example.com');
    const mine = await resilient.query<{ me: { orders: { edges: { node: { id: string } }[] } } }>(
      '{ me { orders(first: 1) { edges { node { id } } } } }',
      {},
      grace,
    );
    const id = mine.body.data?.me.orders.edges[0]?.node.id;
    if (!id) throw new Error(`grace has no order: ${JSON.stringify(mine.body)}`);
    graceOrderId = id;
  });
  afterEach(async () => {
    resilient.intercept('users', undefined);
    resilient.intercept('orders', undefined);
    await resilient.startSubgraph('orders');
  });

  it('answers with the users data and SUBGRAPH_UNAVAILABLE on the orders fields when orders is stopped', async () => {
    await resilient.stopSubgraph('orders');

    const partial = await resilient.query(ME_AND_ORDER, { id: graceOrderId }, grace);
    const nested = await resilient.query(ME_WITH_ORDERS, {}, grace);

    expect(partial.status).toBe(200);
    expect(partial.body).toEqual({
      data: { me: { name: 'Grace Hopper' }, order: null },
      errors: [unavailable('orders', ['order'])],
    });
    // `User.orders` is non-null (OrderConnection!), so GraphQL's null propagation takes `me` with it: the
    // error still says exactly which field is missing and why.
    expect(nested.status).toBe(200);
    expect(nested.body).toEqual({ data: { me: null }, errors: [unavailable('orders', ['me', 'orders'])] });
  });

  it('serves orders again once it is back, at the same address', async () => {
    await resilient.stopSubgraph('orders');
    await resilient.startSubgraph('orders');

    const response = await resilient.query(ME_WITH_ORDERS, {}, grace);

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toMatchObject({ me: { name: 'Grace Hopper' } });
  });

  it('gives up on a subgraph slower than its timeout, retries a query once, and answers with what it has', async () => {
    resilient.intercept('orders', slowBy(5_000));
    const before = resilient.hits.orders;

    const response = await resilient.query(ME_AND_ORDER, { id: graceOrderId }, grace);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { me: { name: 'Grace Hopper' }, order: null },
      errors: [unavailable('orders', ['order'])],
    });
    expect(resilient.hits.orders - before).toBe(2);
  });

  it('aborts every subgraph fetch at the request deadline, without a retry', async () => {
    // users may take 10 s per fetch, but the request only has REQUEST_TIMEOUT_MS (1.5 s).
    resilient.intercept('users', slowBy(8_000));
    const before = resilient.hits.users;

    const response = await resilient.query('{ me { name } }', {}, grace);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { me: null }, errors: [unavailable('users', ['me'])] });
    expect(resilient.hits.users - before).toBe(1);
  });

  it('retries a query once after a 503 and succeeds', async () => {
    resilient.intercept('orders', failing(503, 1));
    const before = resilient.hits.orders;

    const response = await resilient.query(ME_WITH_ORDERS, {}, grace);

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toMatchObject({
      me: { name: 'Grace Hopper', orders: { edges: expect.any(Array) } },
    });
    expect(resilient.hits.orders - before).toBe(2);
  });

  it('never retries a mutation: one 503 and the caller is told the service is unavailable', async () => {
    resilient.intercept('orders', failing(503, 1));
    const before = resilient.hits.orders;

    const response = await resilient.query(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      {
        input: {
          currency: 'USD',
          items: [{ productId: demoProduct('PEN-RED').id, quantity: 1 }],
        },
      },
      grace,
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: null, errors: [unavailable('orders', ['placeOrder'])] });
    expect(resilient.hits.orders - before).toBe(1);
  });

  it('puts the error of a failed entity fetch on the field of each entity it should have completed', async () => {
    const ada = await resilient.logIn('ada@example.com');
    resilient.intercept('users', failing(503));

    const response = await resilient.query<{ orders: { edges: { node: { id: string; user: unknown } }[] } }>(
      '{ orders(first: 3) { edges { node { id user { id email } } } } }',
      {},
      ada,
    );

    // Orders and the user ids come from orders; `email` (nullable) is what users should have added.
    expect(response.status).toBe(200);
    const edges = response.body.data?.orders.edges ?? [];
    expect(edges).toHaveLength(3);
    for (const { node } of edges) expect(node.user).toEqual({ id: expect.any(String), email: null });
    expect(response.body.errors).toEqual(
      [0, 1, 2].map((index) => unavailable('users', ['orders', 'edges', index, 'node', 'user', 'email'])),
    );
  });
});

describe('the circuit breaker', () => {
  it('opens after repeated failures, fails fast while the subgraph is dead, and serves within 1 s of its readiness when it is back', async () => {
    const grace = await breaker.logIn('grace@example.com');
    expect(await readiness(breaker)).toEqual({
      status: 200,
      body: { status: 'ready', subgraphs: { users: 'up', orders: 'up', catalog: 'up' } },
    });

    await breaker.stopSubgraph('orders');
    // BREAKER_VOLUME_THRESHOLD=3: three failed fetches (a query and its retry count as two) open it.
    for (let sent = 0; sent < 5 && breaker.router.health.state('orders') !== 'open'; sent += 1) {
      const failed = await breaker.query(ME_WITH_ORDERS, {}, grace);
      expect(failed.body.errors).toEqual([unavailable('orders', ['me', 'orders'])]);
    }
    expect(breaker.router.health.state('orders')).toBe('open');

    // Open while orders is dead: fails fast, not even a connection attempt, however many probes failed.
    const hitsWhileOpen = breaker.hits.orders;
    await sleep(300);
    const fastFailures = await Promise.all([1, 2, 3].map(() => breaker.query(ME_WITH_ORDERS, {}, grace)));
    for (const failed of fastFailures) {
      expect(failed.status).toBe(200);
      expect(failed.body.errors).toEqual([unavailable('orders', ['me', 'orders'])]);
    }
    expect(breaker.hits.orders).toBe(hitsWhileOpen);
    expect(await readiness(breaker)).toEqual({
      status: 200,
      body: { status: 'degraded', subgraphs: { users: 'up', orders: 'open', catalog: 'up' } },
    });

    // Back: orders is ready as soon as it listens; the gateway's next readiness probe closes the breaker.
    await breaker.startSubgraph('orders');
    expect((await fetch(breaker.ordersUrl.replace(/\/graphql$/, '/health/ready'))).status).toBe(200);
    const readyAt = performance.now();
    let served = await breaker.query(ME_WITH_ORDERS, {}, grace);
    // Measured (printed below, and in docs/operations.md) at well under 1 s; asserted only far below the 60 s
    // BREAKER_RESET_MS, which is all that proves the readiness probe closed the breaker on a busy machine.
    while (served.body.errors && performance.now() - readyAt < 10_000) {
      await sleep(20);
      served = await breaker.query(ME_WITH_ORDERS, {}, grace);
    }
    expect(served.body.errors, 'served through the gateway soon after its readiness').toBeUndefined();
    console.log(
      `breaker: orders served through the gateway ${Math.round(performance.now() - readyAt)} ms after its readiness`,
    );
    expect(breaker.hits.orders).toBeGreaterThan(hitsWhileOpen);
    await expect
      .poll(() => readiness(breaker), { timeout: 10_000, interval: 200 })
      .toEqual({
        status: 200,
        body: { status: 'ready', subgraphs: { users: 'up', orders: 'up', catalog: 'up' } },
      });
  });

  it('reports a stopped subgraph as down (degraded), and is unready only when no subgraph answers', async () => {
    await breaker.stopSubgraph('users');
    try {
      await expect
        .poll(() => readiness(breaker), { timeout: 10_000, interval: 200 })
        .toEqual({
          status: 200,
          body: { status: 'degraded', subgraphs: { users: 'down', orders: 'up', catalog: 'up' } },
        });
      await breaker.stopSubgraph('orders');
      await breaker.stopSubgraph('catalog');
      await expect
        .poll(() => readiness(breaker), { timeout: 10_000, interval: 200 })
        .toEqual({
          status: 503,
          body: { status: 'unavailable', subgraphs: { users: 'down', orders: 'down', catalog: 'down' } },
        });
      await breaker.startSubgraph('orders');
      await breaker.startSubgraph('catalog');
    } finally {
      await breaker.startSubgraph('users');
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish with its data while refusing new connections', async () => {
    const grace = await shutdown.logIn('grace@example.com');
    shutdown.intercept('orders', slowBy(1_000));
    const before = shutdown.hits.orders;

    const inFlight = shutdown.query(ME_WITH_ORDERS, {}, grace);
    await expect.poll(() => shutdown.hits.orders, { interval: 20 }).toBeGreaterThan(before);
    // A grace period longer than the test's timeout: the test passes only if closing waits for the request,
    // not for the grace period (or for the idle keep-alive connection it leaves behind).
    const closed = shutdown.closeGateway(60_000);

    await expect(fetch(shutdown.gatewayUrl.replace(/\/graphql$/, '/health/live'))).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toMatchObject({
      me: { name: 'Grace Hopper', orders: { edges: expect.any(Array) } },
    });
    await closed;
  });
});
