import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@supergraph/service-kit/tracing';
import {
  eventually,
  graphql,
  parsePrometheus,
  seriesValue,
  type PrometheusSample,
} from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogInDocument, MyOrdersDocument, SignUpDocument } from '../src/generated/operations.ts';
import type { ServiceName, Stack } from './stack.ts';

// Tracing hooks `http` and `graphql` as they load, so it starts before anything imports them: the stack, the
// kit (its error module loads graphql) and graphql itself are imported dynamically, below. All services run
// in this process and share its tracer provider, but the trace context travels between them in real HTTP
// headers (asserted below), exactly as between separate processes.
const spans = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'supergraph-e2e', exporter: spans });
const { print } = await import('graphql');
const { createLogger } = await import('@supergraph/service-kit/logger');
const { startStack } = await import('./stack.ts');

/** Every line a service logged, as written (JSON text) — what a log shipper would see. */
const logs: Record<ServiceName, string[]> = { gateway: [], users: [], orders: [], catalog: [] };
const loggerFor = (service: ServiceName) =>
  createLogger(service, 'trace', { write: (line: string) => void logs[service].push(line) });
const requestLines = (service: ServiceName) =>
  logs[service]
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['msg'] === 'request');

/** Headers each subgraph received, recorded in front of it. */
const received: Record<'users' | 'orders', Record<string, string | string[] | undefined>[]> = {
  users: [],
  orders: [],
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('observability', {
    loggers: {
      gateway: loggerFor('gateway'),
      users: loggerFor('users'),
      orders: loggerFor('orders'),
      catalog: loggerFor('catalog'),
    },
  });
  for (const name of ['users', 'orders'] as const) {
    stack.intercept(name, (req) => {
      received[name].push({ ...req.headers });
      return false;
    });
  }
});
afterAll(async () => {
  await stack?.close();
  await tracing.shutdown();
});

const GRACE = { email: 'grace@example.com', password: 'demo-password' };
const ADA = { email: 'ada@example.com', password: 'demo-password' };

/** POSTs to the gateway with extra headers (a request id), returning the response's own request id too. */
async function send(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await graphql<Record<string, unknown>>(stack.gatewayUrl, query, variables, headers);
  return { ...response, requestId: response.headers.get('x-request-id') };
}

async function scrape(service: ServiceName): Promise<PrometheusSample[]> {
  const url = {
    gateway: stack.gatewayMetricsUrl,
    users: new URL('/metrics', stack.usersUrl).toString(),
    orders: new URL('/metrics', stack.ordersUrl).toString(),
    catalog: new URL('/metrics', stack.catalogUrl).toString(),
  }[service];
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

describe('structured logs', () => {
  it('follow one request id from the gateway into the subgraphs and never contain a password or token', async () => {
    const password = `Pw-${randomUUID()}`;
    const email = `observed-${randomUUID().slice(0, 8)}@example.com`;
    const signUpId = `obs-signup-${randomUUID()}`;
    const logInId = `obs-login-${randomUUID()}`;

    const signUp = await send(
      print(SignUpDocument),
      { input: { email, name: 'Observed User', password } },
      { 'x-request-id': signUpId },
    );
    expect(signUp.body.errors).toBeUndefined();
    const logIn = await send(print(LogInDocument), { email, password }, { 'x-request-id': logInId });
    expect(logIn.requestId).toBe(logInId);
    const signUpToken = (signUp.body.data?.['signUp'] as { token: string }).token;
    const accessToken = (logIn.body.data?.['logIn'] as { token: string }).token;
    // No request id sent: the gateway makes one, answers with it and passes it on.
    const myOrders = await send(
      print(MyOrdersDocument),
      { first: 2 },
      { authorization: `Bearer ${accessToken}` },
    );
    expect(myOrders.body.errors).toBeUndefined();
    const generatedId = myOrders.requestId!;
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    const internalTokens = [...received.users, ...received.orders]
      .map((headers) => headers['x-internal-token'])
      .filter((token): token is string => typeof token === 'string');
    expect(internalTokens.length).toBeGreaterThan(0);
    const everything = [...logs.gateway, ...logs.users, ...logs.orders].join('');
    for (const secret of [password, signUpToken, accessToken, ...internalTokens]) {
      expect(everything).not.toContain(secret);
    }

    expect(requestLines('gateway')).toContainEqual(
      expect.objectContaining({
        service: 'gateway',
        requestId: logInId,
        operationName: 'LogIn',
        outcome: 'success',
        status: 200,
      }),
    );
    expect(requestLines('users')).toContainEqual(
      expect.objectContaining({
        service: 'users',
        requestId: logInId,
        operationName: expect.stringMatching(/^LogIn__users__\d+$/),
      }),
    );
    for (const service of ['gateway', 'users', 'orders'] as const) {
      expect(requestLines(service)).toContainEqual(
        expect.objectContaining({
          requestId: generatedId,
          callerId: expect.any(String),
          durationMs: expect.any(Number),
          operationName: expect.stringMatching(/^MyOrders/),
        }),
      );
    }
  });
});

describe('Prometheus metrics at /metrics', () => {
  it("are not served on the gateway's public port", async () => {
    const response = await fetch(new URL('/metrics', stack.gatewayUrl));
    expect(response.status).toBe(404);
  });

  const OBSERVED = /* GraphQL */ `
    query ObservedOrders {
      me {
        name
        orders(first: 2) {
          edges {
            node {
              status
              user {
                name
              }
            }
          }
        }
      }
    }
  `;

  it('count a query on the gateway and on each subgraph it reached, by operation and outcome', async () => {
    const token = await stack.logIn(GRACE.email, GRACE.password);
    const ok = await send(OBSERVED, {}, { authorization: `Bearer ${token}` });
    expect(ok.body.errors).toBeUndefined();
    const invalid = await send('query ObservedInvalid { me { noSuchField } }', {});
    expect(invalid.status).toBe(400);
    const badToken = await send(OBSERVED, {}, { authorization: 'Bearer not-a-token' });
    expect(badToken.status).toBe(401);

    const gateway = await scrape('gateway');
    expect(
      seriesValue(gateway, 'graphql_requests_total', {
        service: 'gateway',
        operation: 'ObservedOrders',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      seriesValue(gateway, 'graphql_request_duration_seconds_count', {
        service: 'gateway',
        operation: 'ObservedOrders',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      seriesValue(gateway, 'graphql_requests_total', {
        service: 'gateway',
        operation: 'ObservedInvalid',
        outcome: 'GRAPHQL_VALIDATION_FAILED',
      }),
    ).toBe(1);
    // Refused before GraphQL ran: the operation was never read.
    expect(
      seriesValue(gateway, 'graphql_requests_total', {
        service: 'gateway',
        operation: 'unknown',
        outcome: 'UNAUTHENTICATED',
      }),
    ).toBe(1);

    // The gateway names each subgraph operation after the client's: <operation>__<subgraph>__<fetch index>.
    const users = await scrape('users');
    expect(
      seriesValue(users, 'graphql_requests_total', {
        service: 'users',
        operation: 'ObservedOrders__users__0',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      seriesValue(users, 'graphql_requests_total', {
        service: 'users',
        operation: 'ObservedOrders__users__2',
        outcome: 'success',
      }),
    ).toBe(1);
    const orders = await scrape('orders');
    expect(
      seriesValue(orders, 'graphql_requests_total', {
        service: 'orders',
        operation: 'ObservedOrders__orders__1',
        outcome: 'success',
      }),
    ).toBe(1);

    // Process metrics and the database client's usage are there too.
    for (const [service, samples] of [
      ['users', users],
      ['orders', orders],
    ] as const) {
      expect(seriesValue(samples, 'db_client_pool_max', { service })).toBeGreaterThanOrEqual(1);
      expect(seriesValue(samples, 'db_client_queries_in_flight', { service })).toBe(0);
      expect(seriesValue(samples, 'db_client_transactions_open', { service })).toBe(0);
      expect(
        seriesValue(samples, 'db_client_query_duration_seconds_count', { service, outcome: 'success' }),
      ).toBeGreaterThan(0);
      expect(seriesValue(samples, 'service_ready', { service })).toBe(1);
      expect(seriesValue(samples, 'process_cpu_user_seconds_total', { service })).toBeGreaterThan(0);
    }
  });

  it('time every subgraph fetch at the gateway, per subgraph, and show each subgraph state', async () => {
    const token = await stack.logIn(GRACE.email, GRACE.password);
    const fetches = (samples: PrometheusSample[], subgraph: string) =>
      seriesValue(samples, 'subgraph_fetch_duration_seconds_count', {
        service: 'gateway',
        subgraph,
        outcome: 'success',
      }) ?? 0;
    const before = await scrape('gateway');
    const response = await stack.request(MyOrdersDocument, { first: 2 }, token);
    expect(response.body.errors).toBeUndefined();
    const after = await scrape('gateway');

    // me (users), then User.orders (orders), then Order.user (users).
    expect(fetches(after, 'users') - fetches(before, 'users')).toBe(2);
    expect(fetches(after, 'orders') - fetches(before, 'orders')).toBe(1);
    for (const subgraph of ['users', 'orders']) {
      expect(seriesValue(after, 'subgraph_state', { service: 'gateway', subgraph, state: 'up' })).toBe(1);
      expect(seriesValue(after, 'subgraph_state', { service: 'gateway', subgraph, state: 'open' })).toBe(0);
    }
    expect(seriesValue(after, 'service_ready', { service: 'gateway' })).toBe(1);
  });

  it('record the DataLoader batch size: a list of 3 orders loads their items in one batch of 3', async () => {
    const token = await stack.logIn(ADA.email, ADA.password);
    const batches = (samples: PrometheusSample[]) => ({
      count:
        seriesValue(samples, 'dataloader_batch_size_count', { service: 'orders', loader: 'orderItems' }) ?? 0,
      sum:
        seriesValue(samples, 'dataloader_batch_size_sum', { service: 'orders', loader: 'orderItems' }) ?? 0,
    });
    const before = batches(await scrape('orders'));
    const response = await stack.query(
      'query ObservedItems { orders(first: 3) { edges { node { items { sku } } } } }',
      {},
      token,
    );
    expect(response.body.errors).toBeUndefined();
    const after = batches(await scrape('orders'));

    expect(after.count - before.count).toBe(1);
    expect(after.sum - before.sum).toBe(3);
  });
});

describe('OpenTelemetry tracing', () => {
  const attribute = (span: ReadableSpan, name: string) => span.attributes[name];
  const SERVER = 1; // SpanKind.SERVER

  it('joins the gateway and both subgraphs in one trace, carried by the traceparent header', async () => {
    const token = await stack.logIn(GRACE.email, GRACE.password);
    const requestId = `obs-trace-${randomUUID()}`;
    // A page size no other test asks for: this request cannot be answered from anything cached.
    const response = await send(
      print(MyOrdersDocument),
      { first: 1 },
      { authorization: `Bearer ${token}`, 'x-request-id': requestId },
    );
    expect(response.body.errors).toBeUndefined();

    const isServerOf = (service: string) => (span: ReadableSpan) =>
      span.kind === SERVER &&
      attribute(span, 'supergraph.service') === service &&
      attribute(span, 'supergraph.request_id') === requestId;
    // Server spans end when their response has been written: wait for all three services'.
    const gatewaySpan = await eventually(() => {
      const finished = spans.getFinishedSpans();
      for (const service of ['gateway', 'users', 'orders']) {
        if (!finished.some(isServerOf(service))) throw new Error(`no ${service} server span yet`);
      }
      return finished.find(isServerOf('gateway'))!;
    });
    const { traceId } = gatewaySpan.spanContext();
    const trace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

    // Every server span of this request, in every service, is in the gateway's trace.
    const servers = spans
      .getFinishedSpans()
      .filter((span) => span.kind === SERVER && attribute(span, 'supergraph.request_id') === requestId);
    expect(servers.map((span) => span.spanContext().traceId)).toEqual(servers.map(() => traceId));
    expect(servers.filter(isServerOf('users'))).toHaveLength(2);
    expect(servers.filter(isServerOf('orders'))).toHaveLength(1);

    // The gateway's own spans (query plan, fetches), GraphQL execution in the subgraphs and their SQL joined it.
    const scopes = new Set(trace.map((span) => span.instrumentationScope.name));
    expect(scopes).toContain('apollo/gateway-js');
    expect(scopes).toContain('@opentelemetry/instrumentation-undici');
    expect(trace.map((span) => span.name)).toEqual(
      expect.arrayContaining([
        // (No gateway.plan: the plan of MyOrders is cached from an earlier test.)
        'gateway.execute',
        'gateway.fetch',
        // GraphQL execution in each subgraph, one per fetch, and their statements.
        'query MyOrders__users__0',
        'query MyOrders__orders__1',
        'query MyOrders__users__2',
        'SELECT users',
        'SELECT orders',
      ]),
    );

    // The subgraphs got the trace context in a real HTTP header.
    const traceparents = [...received.users, ...received.orders]
      .filter((headers) => headers['x-request-id'] === requestId)
      .map((headers) => headers['traceparent']);
    expect(traceparents).toHaveLength(3);
    for (const header of traceparents)
      expect(header).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
  });
});
