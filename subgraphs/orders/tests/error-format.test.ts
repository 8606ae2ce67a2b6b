import { print, type DocumentNode } from 'graphql';
import type { Identity } from '@supergraph/service-kit/auth';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, ALAN, ANONYMOUS, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { DEMO_ORDERS, UNKNOWN_ID, oneLine } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import {
  CancelOrderDocument,
  OrderDocument,
  OrdersDocument,
  PlaceOrderDocument,
} from './generated/operations.ts';

/** No stack trace, neither as an extension nor anywhere in the text of the response. */
function expectNoStackTrace(body: unknown) {
  const errors = (body as { errors?: { extensions?: Record<string, unknown> }[] }).errors ?? [];
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) expect(error.extensions ?? {}).not.toHaveProperty('stacktrace');
  const text = JSON.stringify(body);
  expect(text).not.toContain('stacktrace');
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/\.ts:\d+/);
}

describe('error responses carry a code and never a stack trace', () => {
  let h: Started<typeof ordersSubgraph>;
  beforeAll(async () => {
    h = await startSubgraph(ordersSubgraph, 'errors');
  });
  afterAll(async () => {
    await h?.close();
  });

  const cases: {
    code: string;
    status: number;
    /** A document, or text for requests no client would send. */
    query: string | DocumentNode;
    variables?: Record<string, unknown>;
    identity: Identity;
  }[] = [
    {
      code: 'BAD_USER_INPUT',
      status: 200,
      query: PlaceOrderDocument,
      variables: { input: oneLine({ quantity: 0 }) },
      identity: GRACE,
    },
    {
      code: 'BAD_USER_INPUT',
      status: 200,
      query: OrdersDocument,
      variables: { after: 'garbage' },
      identity: GRACE,
    },
    {
      code: 'BAD_USER_INPUT',
      status: 400,
      query: OrdersDocument,
      variables: { first: 'ten' },
      identity: GRACE,
    },
    { code: 'UNAUTHENTICATED', status: 200, query: OrdersDocument, identity: ANONYMOUS },
    {
      code: 'FORBIDDEN',
      status: 200,
      query: OrderDocument,
      variables: { id: DEMO_ORDERS.gracePaid },
      identity: ALAN,
    },
    {
      code: 'NOT_FOUND',
      status: 200,
      query: CancelOrderDocument,
      variables: { id: UNKNOWN_ID },
      identity: ADA,
    },
    { code: 'GRAPHQL_VALIDATION_FAILED', status: 400, query: '{ orders { nope } }', identity: GRACE },
    { code: 'GRAPHQL_PARSE_FAILED', status: 400, query: '{ orders {', identity: GRACE },
  ];

  it.each(cases)(
    '$code (HTTP $status) comes without a stack trace',
    async ({ code, status, query, variables, identity }) => {
      // Some variables are wrong on purpose (`first: 'ten'`), so the request goes as text.
      const text = typeof query === 'string' ? query : print(query);
      const res = await h.call(text, variables ?? {}, identity);

      expect(res.status).toBe(status);
      expect(res.body.errors?.map((error) => error.extensions?.['code'])).toEqual([code]);
      expectNoStackTrace(res.body);
    },
  );

  it('the 401 of an unsigned request comes without a stack trace', async () => {
    const res = await h.callRaw(
      { 'content-type': 'application/json' },
      { query: '{ orders { edges { cursor } } }' },
    );

    expect(res.status).toBe(401);
    expectNoStackTrace(res.body);
  });
});

describe('an unexpected failure', () => {
  let h: Started<typeof ordersSubgraph>;
  beforeAll(async () => {
    h = await startSubgraph(ordersSubgraph, 'errors_internal');
    // Break the service on purpose: every query that needs items now fails inside PostgreSQL.
    await h.database.db.execute(sql`drop table order_items`);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is answered INTERNAL_SERVER_ERROR with a generic message: no stack trace, no SQL, no table names', async () => {
    const res = await h.call(OrderDocument, { id: DEMO_ORDERS.gracePaid }, GRACE);

    expect(res.body.data).toEqual({ order: null });
    expect(res.body.errors?.map(({ message, path, extensions }) => ({ message, path, extensions }))).toEqual([
      {
        message: 'Internal server error',
        path: ['order', 'items'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expectNoStackTrace(res.body);
    expect(JSON.stringify(res.body)).not.toMatch(/order_items|select|relation/i);
  });
});
