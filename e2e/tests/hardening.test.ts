import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * What an attacker or a careless client would send, and the exact answer each gets. None of these may
 * reach a subgraph, and none is a 5xx: a refused request is the client's fault.
 */
let dev: Stack;
let prod: Stack;
const LIMITS = {
  MAX_DEPTH: '6',
  MAX_ALIASES: '5',
  MAX_DIRECTIVES: '5',
  MAX_TOKENS: '200',
  MAX_COST: '150',
  MAX_BODY_BYTES: '4096',
};

beforeAll(async () => {
  [dev, prod] = await Promise.all([
    startStack('hardening_dev', { gateway: { ...LIMITS, NODE_ENV: 'development' } }),
    // Free text is what is audited here; production's trusted documents are tested in trusted-documents.test.ts.
    startStack('hardening_prod', {
      gateway: { ...LIMITS, NODE_ENV: 'production', TRUSTED_DOCUMENTS: 'off' },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
});

async function post(stack: Stack, body: string, headers: Record<string, string> = {}) {
  const before = stack.hits.users + stack.hits.orders;
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const json = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return {
    status: response.status,
    headers: response.headers,
    json,
    subgraphHits: stack.hits.users + stack.hits.orders - before,
  };
}

const op = (query: string) => JSON.stringify({ query });
const codes = (json: { errors?: { extensions?: { code?: string } }[] }) =>
  json.errors?.map((e) => e.extensions?.code);

describe('abuse limits (probe list)', () => {
  it('deep query → 400 DEPTH_LIMIT_EXCEEDED', async () => {
    const deep = '{ me { orders { edges { node { user { orders { edges { node { id } } } } } } } } }';
    const result = await post(dev, op(deep));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
    expect(result.subgraphHits).toBe(0);
  });

  it('alias flood → 400 ALIAS_LIMIT_EXCEEDED', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(' ');
    const result = await post(dev, op(`{ ${aliases} }`));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    expect(result.subgraphHits).toBe(0);
  });

  it('directive flood → 400 DIRECTIVE_LIMIT_EXCEEDED', async () => {
    const result = await post(dev, op(`{ ${'... on Query @include(if: true) { __typename } '.repeat(10)} }`));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['DIRECTIVE_LIMIT_EXCEEDED']);
    expect(result.subgraphHits).toBe(0);
  });

  it('token flood → 400 TOKEN_LIMIT_EXCEEDED', async () => {
    const result = await post(dev, op(`{ ${'__typename '.repeat(300)} }`));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['TOKEN_LIMIT_EXCEEDED']);
    expect(result.subgraphHits).toBe(0);
  });

  it('costly query → 400 COST_LIMIT_EXCEEDED, also when the list size is a variable', async () => {
    const query = `query Costly($n: Int!) { orders(first: $n) { edges { node { id items { sku name } } } } }`;
    const result = await post(dev, JSON.stringify({ query, variables: { n: 100 } }));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(result.json.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit of 150/);
    expect(result.subgraphHits).toBe(0);
  });

  it('cost verdicts are kept per document and variables: each call is judged on its own', async () => {
    // The gateway keeps each (document, operationName, variables) verdict: the same text with other
    // variables, or another operation of the same document, is judged on its own.
    const query = `query Costly($n: Int!) { orders(first: $n) { edges { node { id items { sku name } } } } }
      query Cheap { __typename }`;
    const refused = { query, operationName: 'Costly', variables: { n: 100 } };
    const judged = async (body: object) => {
      const result = await post(dev, JSON.stringify(body));
      return {
        status: result.status,
        costRefused: codes(result.json)?.includes('COST_LIMIT_EXCEEDED') ?? false,
      };
    };
    const refusedAnswer = { status: 400, costRefused: true };
    expect(await judged(refused)).toEqual(refusedAnswer);
    // An admin may read orders, so the cheap call runs all the way to the subgraph.
    const admin = await dev.logIn('ada@example.com');
    const cheap = await post(dev, JSON.stringify({ ...refused, variables: { n: 1 } }), {
      authorization: `Bearer ${admin}`,
    });
    expect(codes(cheap.json)).toBeUndefined();
    expect(cheap.subgraphHits).toBe(1);
    const other = await post(dev, JSON.stringify({ query, operationName: 'Cheap', variables: { n: 100 } }));
    expect(other).toMatchObject({ status: 200, json: { data: { __typename: 'Query' } } });
    expect(await judged(refused)).toEqual(refusedAnswer);
    // Variables too long to keep as a key are judged every time.
    const padding = 'x'.repeat(2_000);
    expect(await judged({ ...refused, variables: { n: 100, padding } })).toEqual(refusedAnswer);
    expect(await judged({ ...refused, variables: { n: 1, padding } })).toMatchObject({ costRefused: false });
    // More variable sets than a document keeps (64): the list starts over, verdicts stay right.
    for (let i = 0; i < 70; i += 1) {
      expect(await judged({ ...refused, variables: { n: 1, i } })).toMatchObject({ costRefused: false });
    }
    expect(await judged(refused)).toEqual(refusedAnswer);
  });

  it('batch of operations → 400, nothing executed', async () => {
    const result = await post(
      dev,
      JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    );
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['BAD_REQUEST']);
    expect(result.subgraphHits).toBe(0);
  });

  it('huge body → 413 PAYLOAD_TOO_LARGE', async () => {
    const result = await post(
      dev,
      JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(10_000) } }),
    );
    expect(result.status).toBe(413);
    expect(result.json).toEqual({
      errors: [{ message: 'The request body is too large.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(result.subgraphHits).toBe(0);
  });

  it('malformed JSON → 400 BAD_REQUEST', async () => {
    const result = await post(dev, '{"query": ');
    expect(result.status).toBe(400);
    expect(result.json).toEqual({
      errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('syntax error → 400 GRAPHQL_PARSE_FAILED', async () => {
    const result = await post(dev, op('{ me { '));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('page size above 100 → 400 BAD_USER_INPUT naming first, at the gateway', async () => {
    const result = await post(
      dev,
      JSON.stringify({
        query: 'query Big($n: Int) { orders(first: $n) { edges { cursor } } }',
        variables: { n: 1000 },
      }),
    );
    expect(result.status).toBe(400);
    expect(result.json).toEqual({
      errors: [
        {
          message: '"first" must be between 0 and 100; orders asked for 1000.',
          extensions: { code: 'BAD_USER_INPUT', field: 'first' },
        },
      ],
    });
    expect(result.subgraphHits).toBe(0);
  });

  it('cross-site simple POST without a preflight header → 400, CSRF prevention', async () => {
    const response = await fetch(dev.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: op('mutation { updateMe(input: { name: "csrf" }) { id } }'),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });

  it('forged identity header straight to a subgraph → 401, nothing executed', async () => {
    const before = dev.hits.orders;
    const response = await fetch(dev.ordersUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-internal-token': 'forged',
        'x-user-id': randomUUID(),
        'x-role': 'ADMIN',
      },
      body: op('{ orders { edges { node { id } } } }'),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'This service only accepts requests from the gateway.',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect(dev.hits.orders).toBe(before + 1);
  });
});

describe('production vs development', () => {
  it('production: introspection is off', async () => {
    const result = await post(prod, op('{ __schema { types { name } } }'));
    expect(result.status).toBe(400);
    expect(codes(result.json)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.json.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it('development: introspection is on', async () => {
    const result = await post(dev, op('{ __schema { queryType { name } } }'));
    expect(result.json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('production: no field suggestions', async () => {
    const result = await post(prod, op('{ mee { id } }'));
    expect(result.status).toBe(400);
    expect(result.json.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('development: field suggestions help', async () => {
    const result = await post(dev, op('{ mee { id } }'));
    expect(result.json.errors?.[0]?.message).toMatch(/Did you mean "me"/);
  });

  it('production: no landing page', async () => {
    const response = await fetch(prod.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/sandbox/i);
  });

  it('development: Apollo Sandbox with the example operation and a demo token', async () => {
    const response = await fetch(dev.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/embeddable-sandbox/);
    expect(html).toMatch(/query MyOrders/);
    expect(html).toMatch(/Bearer ey/);
  });

  it('production: a resolver crash is masked to a generic message with a code', async () => {
    const token = await prod.logIn('grace@example.com');
    // A real bug's shape: the SQL fails for a reason that is not the database being down.
    await prod.databases.orders.db.execute(sql`alter table order_items rename to order_items_gone`);
    try {
      const result = await post(prod, op('{ orders(first: 1) { edges { node { id items { sku } } } } }'), {
        authorization: `Bearer ${token}`,
      });
      expect(result.status).toBe(200);
      expect(result.json.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['orders', 'edges', 0, 'node', 'items'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(JSON.stringify(result.json)).not.toMatch(/order_items|relation|select/i);
    } finally {
      await prod.databases.orders.db.execute(sql`alter table order_items_gone rename to order_items`);
    }
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(dev.gatewayUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('does not allow an unknown origin', async () => {
    const response = await fetch(dev.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
