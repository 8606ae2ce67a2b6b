import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProduct, demoUser } from '@supergraph/demo-data';
import { orders } from '@supergraph/orders/db-schema';
import { DEFAULT_MANIFEST_PATH, DEFAULT_SUPERGRAPH_PATH } from '@supergraph/router/env';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import { eventually, parsePrometheus, seriesValue } from '@supergraph/testing';
import { eq } from 'drizzle-orm';
import { subscribeWs, wsClient } from '@supergraph/testing/subscriptions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * The operations corpus as the production safelist: the committed manifest (schema/persisted-query-manifest.json),
 * served by the real gateway in front of real subgraphs, by id.
 */
interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}
const MANIFEST = JSON.parse(await readFile(DEFAULT_MANIFEST_PATH, 'utf8')) as {
  format: string;
  version: number;
  operations: ManifestOperation[];
};
/**
 * The e2e corpus's operations (one file per operation, named after it): what this file proves. The manifest also
 * lists the web app's operations, which web's browser tests send by id through an enforcing gateway.
 */
const E2E_CORPUS = new Set(
  (await readdir(join(import.meta.dirname, '..', 'operations')))
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => file.slice(0, -'.graphql'.length)),
);
const E2E_OPERATIONS = MANIFEST.operations.filter(({ name }) => E2E_CORPUS.has(name));
const operation = (name: string): ManifestOperation => {
  const found = MANIFEST.operations.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`the manifest has no operation ${name}`);
  return found;
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';

interface Answer {
  status: number;
  contentType: string | null;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

async function post(
  url: string,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Answer['body'],
  };
}

/** Sends a manifest operation the way Apollo Client's persisted-query link does: its id, no text. */
const byId = (
  stack: Stack,
  name: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
) =>
  post(
    stack.gatewayUrl,
    {
      operationName: name,
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: operation(name).id } },
    },
    token,
    headers,
  );

const byText = (stack: Stack, name: string, variables: Record<string, unknown> = {}, token?: string) =>
  post(stack.gatewayUrl, { query: operation(name).body, operationName: name, variables }, token);

async function metric(stack: Stack, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(stack.gatewayMetricsUrl)).text();
  return seriesValue(parsePrometheus(text), name, { service: 'gateway', ...labels }) ?? 0;
}

async function logInById(stack: Stack, email: string, password = 'demo-password'): Promise<string> {
  const answer = await byId(stack, 'LogIn', { email, password });
  const token = (answer.body.data?.['logIn'] as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`log in by id failed: ${JSON.stringify(answer.body)}`);
  return token;
}

/** A manifest subscription by id over graphql-ws, as Apollo Client's persisted-query link sends it. */
function subscribeById(stack: Stack, name: string, variables: Record<string, unknown>, token: string) {
  const client = wsClient(stack.gatewayUrl, token);
  const probe = subscribeWs(client, {
    query: '',
    operationName: name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: operation(name).id } },
  });
  return {
    probe,
    async close() {
      probe.stop();
      await client.dispose();
      await ordersHolds(stack, 0);
    },
  };
}

/** Waits until the orders subgraph holds `count` subscriptions (its gauge): an update before then is not sent. */
async function ordersHolds(stack: Stack, count: number): Promise<void> {
  const metricsUrl = stack.ordersUrl.replace(/\/graphql$/, '/metrics');
  await eventually(async () => {
    const samples = parsePrometheus(await (await fetch(metricsUrl)).text());
    const held = samples
      .filter((sample) => sample.name === 'subgraph_subscriptions_active')
      .reduce((sum, sample) => sum + sample.value, 0);
    expect(held).toBe(count);
  });
}

const grace = demoUser('grace@example.com');
const ada = demoUser('ada@example.com');

describe('trusted documents, enforced', () => {
  let stack: Stack;
  let dir: string;
  let manifestPath: string;
  let supergraphPath: string;

  /** Replaces a file the way deploy tools do: write a sibling, then rename over the original. */
  async function deploy(path: string, content: string) {
    const next = join(dir, `.deploy-${Date.now()}.tmp`);
    await writeFile(next, content);
    await rename(next, path);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trusted-'));
    manifestPath = join(dir, 'persisted-query-manifest.json');
    supergraphPath = join(dir, 'supergraph.graphql');
    await copyFile(DEFAULT_MANIFEST_PATH, manifestPath);
    await copyFile(DEFAULT_SUPERGRAPH_PATH, supergraphPath);
    stack = await startStack('trusted_enforce', {
      gateway: {
        TRUSTED_DOCUMENTS: 'enforce',
        TRUSTED_DOCUMENTS_MANIFEST: manifestPath,
        SUPERGRAPH_PATH: supergraphPath,
        RATE_LIMIT_POINTS: '100000',
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses free text with 400 PERSISTED_QUERY_NOT_IN_LIST before parsing it or reaching a subgraph', async () => {
    const hits = { ...stack.hits };
    const refusedBefore = await metric(stack, 'trusted_document_refusals_total', { reason: 'free-text' });
    // A valid operation, text that would not even parse, and the exact text of a manifest operation.
    for (const query of ['{ me { name } }', '{ me { name ', operation('Users').body]) {
      const answer = await post(stack.gatewayUrl, { query });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        errors: [
          { message: expect.stringContaining('only trusted documents'), extensions: { code: NOT_IN_LIST } },
        ],
      });
    }
    expect(stack.hits).toEqual(hits);
    expect(await metric(stack, 'trusted_document_refusals_total', { reason: 'free-text' })).toBe(
      refusedBefore + 3,
    );
  });

  it('runs every operation of the committed manifest by id, each with its expected answer', async () => {
    const token = await logInById(stack, grace.email);
    const admin = await logInById(stack, ada.email);
    const graceOrderWith = async (status: string, as: string) => {
      const mine = await byId(stack, 'MyOrders', { first: 10 }, as);
      const me = mine.body.data?.['me'] as { orders: { edges: { node: { id: string; status: string } }[] } };
      const found = me.orders.edges.find(({ node }) => node.status === status);
      if (!found) throw new Error(`grace has no ${status} order`);
      return found.node.id;
    };
    let placedId = '';
    let newcomer = '';
    let productId = '';
    // In an order that makes each mutation meaningful: sign up, act as the newcomer, delete them last.
    const cases: [string, () => Promise<void>][] = [
      ['LogIn', async () => void (await logInById(stack, 'alan@example.com'))],
      [
        'Users',
        async () => {
          const answer = await byId(stack, 'Users', { first: 2 }, admin);
          expect(answer.body.errors).toBeUndefined();
          expect((answer.body.data?.['users'] as { edges: unknown[] }).edges).toHaveLength(2);
        },
      ],
      [
        'User',
        async () => {
          const answer = await byId(stack, 'User', { id: ada.id }, admin);
          expect(answer.body).toEqual({
            data: { user: { __typename: 'User', name: ada.name, email: ada.email } },
          });
        },
      ],
      [
        'UsersWithOrders',
        async () => {
          const answer = await byId(stack, 'UsersWithOrders', { first: 3 }, admin);
          expect(answer.body.errors).toBeUndefined();
          expect((answer.body.data?.['users'] as { edges: unknown[] }).edges).toHaveLength(3);
        },
      ],
      [
        'UserOrders',
        async () => {
          const answer = await byId(stack, 'UserOrders', { id: grace.id }, token);
          expect(answer.body.errors).toBeUndefined();
          expect(answer.body.data?.['user']).toMatchObject({ name: grace.name });
        },
      ],
      [
        'Orders',
        async () => {
          const answer = await byId(stack, 'Orders', { first: 2 }, token);
          expect(answer.body.errors).toBeUndefined();
          expect(answer.body.data?.['orders']).toMatchObject({ __typename: 'OrderConnection' });
        },
      ],
      [
        'OrdersWithUsers',
        async () => {
          const answer = await byId(stack, 'OrdersWithUsers', { first: 3 }, token);
          expect(answer.body.errors).toBeUndefined();
          expect(answer.body.data?.['orders']).toMatchObject({ __typename: 'OrderConnection' });
        },
      ],
      [
        'OrderUpdated',
        async () => {
          const pending = await graceOrderWith('PENDING', token);
          const live = subscribeById(stack, 'OrderUpdated', { id: pending }, token);
          try {
            await ordersHolds(stack, 1);
            const moved = await byId(stack, 'SetOrderStatus', { id: pending, status: 'PAID' }, admin);
            expect(moved.body.errors).toBeUndefined();
            expect((await live.probe.next(15_000)).data).toMatchObject({
              orderUpdated: { id: pending, status: 'PAID', user: { name: grace.name } },
            });
          } finally {
            await live.close();
          }
        },
      ],
      [
        'MyOrderUpdates',
        async () => {
          const paid = await graceOrderWith('PAID', token);
          const live = subscribeById(stack, 'MyOrderUpdates', {}, token);
          try {
            await ordersHolds(stack, 1);
            const moved = await byId(stack, 'SetOrderStatus', { id: paid, status: 'SHIPPED' }, admin);
            expect(moved.body.errors).toBeUndefined();
            expect((await live.probe.next(15_000)).data).toMatchObject({
              myOrderUpdates: { id: paid, status: 'SHIPPED', user: { name: grace.name } },
            });
          } finally {
            await live.close();
          }
        },
      ],
      [
        'SignUp',
        async () => {
          const answer = await byId(stack, 'SignUp', {
            input: {
              email: 'margaret@example.com',
              name: 'Margaret Hamilton',
              password: 'apollo-11-guidance',
            },
          });
          expect(answer.body.errors).toBeUndefined();
          newcomer = await logInById(stack, 'margaret@example.com', 'apollo-11-guidance');
        },
      ],
      [
        'UpdateMe',
        async () => {
          const answer = await byId(stack, 'UpdateMe', { input: { name: 'Margaret H.' } }, newcomer);
          expect(answer.body.errors).toBeUndefined();
          expect(answer.body.data?.['updateMe']).toMatchObject({ name: 'Margaret H.' });
        },
      ],
      [
        'PlaceOrder',
        async () => {
          const input = {
            currency: 'USD',
            items: [{ productId: demoProduct('MUG-BUG').id, quantity: 1 }],
          };
          const answer = await byId(stack, 'PlaceOrder', { input }, newcomer);
          expect(answer.body.errors).toBeUndefined();
          const placed = answer.body.data?.['placeOrder'] as { id: string; status: string };
          expect(placed.status).toBe('PENDING');
          placedId = placed.id;
        },
      ],
      [
        'Order',
        async () => {
          const answer = await byId(stack, 'Order', { id: placedId }, newcomer);
          expect(answer.body.data?.['order']).toMatchObject({ id: placedId, user: { name: 'Margaret H.' } });
        },
      ],
      [
        'MyOrders',
        async () => {
          const answer = await byId(stack, 'MyOrders', { first: 5 }, newcomer);
          expect(answer.body.errors).toBeUndefined();
          expect(JSON.stringify(answer.body.data)).toContain(placedId);
        },
      ],
      [
        'SetOrderStatus',
        async () => {
          const answer = await byId(stack, 'SetOrderStatus', { id: placedId, status: 'PAID' }, admin);
          expect(answer.body.errors).toBeUndefined();
          expect(answer.body.data?.['setOrderStatus']).toMatchObject({
            id: placedId,
            status: 'PAID',
            user: { name: 'Margaret H.' },
          });
        },
      ],
      [
        'CancelOrder',
        async () => {
          const answer = await byId(stack, 'CancelOrder', { id: placedId }, newcomer);
          expect(answer.body.data?.['cancelOrder']).toMatchObject({ id: placedId, status: 'CANCELLED' });
        },
      ],
      [
        'Products',
        async () => {
          const answer = await byId(stack, 'Products', { first: 2 });
          expect(answer.body.errors).toBeUndefined();
          expect((answer.body.data?.['products'] as { edges: unknown[] }).edges).toHaveLength(2);
        },
      ],
      [
        'Product',
        async () => {
          const answer = await byId(stack, 'Product', { id: demoProduct('KB-MECH').id });
          expect(answer.body.data?.['product']).toMatchObject({ sku: 'KB-MECH', active: true });
        },
      ],
      [
        'ProductsWithOrderCounts',
        async () => {
          const answer = await byId(stack, 'ProductsWithOrderCounts', { first: 1 }, admin);
          expect(answer.body.errors).toBeUndefined();
          expect(answer.body.data?.['products']).toMatchObject({
            edges: [{ node: { sku: 'BOOK-COBOL', orderCount: 1 } }],
          });
        },
      ],
      [
        'OrdersWithProducts',
        async () => {
          const answer = await byId(stack, 'OrdersWithProducts', { first: 3 }, admin);
          expect(answer.body.errors).toBeUndefined();
          expect((answer.body.data?.['orders'] as { edges: unknown[] }).edges).toHaveLength(3);
        },
      ],
      [
        'OrderProductSkus',
        async () => {
          const answer = await byId(stack, 'OrderProductSkus', { id: placedId }, newcomer);
          expect(answer.body.data?.['order']).toMatchObject({
            items: [{ quantity: 1, product: { id: demoProduct('MUG-BUG').id, sku: 'MUG-BUG' } }],
          });
        },
      ],
      [
        'CreateProduct',
        async () => {
          const input = { sku: 'TD-1', name: 'Trusted', price: { amount: 100, currency: 'USD' } };
          const answer = await byId(stack, 'CreateProduct', { input }, admin);
          expect(answer.body.errors).toBeUndefined();
          productId = (answer.body.data?.['createProduct'] as { id: string }).id;
        },
      ],
      [
        'UpdateProduct',
        async () => {
          const input = { price: { amount: 150, currency: 'USD' } };
          const answer = await byId(stack, 'UpdateProduct', { id: productId, input }, admin);
          expect(answer.body.data?.['updateProduct']).toMatchObject({ price: { amount: 150 } });
        },
      ],
      [
        'ArchiveProduct',
        async () => {
          const answer = await byId(stack, 'ArchiveProduct', { id: productId }, admin);
          expect(answer.body.data?.['archiveProduct']).toMatchObject({ id: productId, active: false });
        },
      ],
      [
        'DeleteMe',
        async () => {
          const answer = await byId(stack, 'DeleteMe', {}, newcomer);
          expect(answer.body).toEqual({ data: { deleteMe: true } });
        },
      ],
    ];
    // Every operation of the e2e corpus, no more: a new corpus operation must be added here to be proven.
    expect(cases.map(([name]) => name).sort()).toEqual(E2E_OPERATIONS.map(({ name }) => name).sort());
    for (const [name, run] of cases) {
      // Subscriptions run through Apollo's pipeline (over WebSocket), never the fast path.
      const path = operation(name).type === 'subscription' ? 'apollo' : 'fast';
      const labels = { id: operation(name).id, name, path };
      const before = await metric(stack, 'trusted_document_executions_total', labels);
      await run();
      expect(await metric(stack, 'trusted_document_executions_total', labels), name).toBeGreaterThan(before);
    }
  });

  it('forwards the Idempotency-Key of a mutation sent by id: a retry answers the first order and places no second', async () => {
    const alan = await logInById(stack, 'alan@example.com');
    const ordersOfAlan = async () => {
      const rows = await stack.databases.orders.db
        .select({ id: orders.id })
        .from(orders)
        .where(eq(orders.userId, demoUser('alan@example.com').id));
      return rows.length;
    };
    const before = await ordersOfAlan();
    const input = {
      currency: 'EUR',
      items: [{ productId: demoProduct('CABLE-USBC').id, quantity: 3 }],
    };
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };

    const first = await byId(stack, 'PlaceOrder', { input }, alan, key);
    const retry = await byId(stack, 'PlaceOrder', { input }, alan, key);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(await ordersOfAlan()).toBe(before + 1);
  });

  it('refuses APQ: an unknown hash and the registration that follows both get PERSISTED_QUERY_NOT_IN_LIST, and nothing is registered', async () => {
    const query = '{ me { name } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const hits = { ...stack.hits };
    const unknown = await post(stack.gatewayUrl, { extensions: { persistedQuery } });
    const registration = await post(stack.gatewayUrl, { query, extensions: { persistedQuery } });
    const again = await post(stack.gatewayUrl, { extensions: { persistedQuery } });
    for (const answer of [unknown, registration, again]) {
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe(NOT_IN_LIST);
    }
    expect(stack.hits).toEqual(hits);
  });

  it('runs an operation by documentId (bare or sha256:-prefixed) and by persisted hash over GET', async () => {
    const token = await logInById(stack, ada.email);
    const users = operation('Users');
    const expected = await byId(stack, 'Users', { first: 1 }, token);
    expect(expected.body.errors).toBeUndefined();
    for (const documentId of [users.id, `sha256:${users.id}`]) {
      const answer = await post(stack.gatewayUrl, { documentId, variables: { first: 1 } }, token);
      expect(answer.body).toEqual(expected.body);
    }
    const params = new URLSearchParams({
      variables: JSON.stringify({ first: 1 }),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: users.id } }),
    });
    const viaGet = await fetch(`${stack.gatewayUrl}?${params}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(viaGet.status).toBe(200);
    expect(await viaGet.json()).toEqual(expected.body);
    const missing = await post(stack.gatewayUrl, { documentId: `sha256:${sha256('nothing')}` });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe(NOT_IN_LIST);
  });

  it('refuses a reloaded manifest whose operation no longer validates, and keeps serving the previous one', async () => {
    const token = await logInById(stack, ada.email);
    const extraBody = 'query Extra {\n  me {\n    id\n    __typename\n  }\n}';
    const extra = { id: sha256(extraBody), name: 'Extra', type: 'query', body: extraBody };
    const badBody = 'query Bad {\n  me {\n    nickname\n    __typename\n  }\n}';
    const bad = { id: sha256(badBody), name: 'Bad', type: 'query', body: badBody };
    const refusedBefore = await metric(stack, 'trusted_documents_manifest_loads_total', {
      outcome: 'refused',
    });

    await deploy(
      manifestPath,
      JSON.stringify({ ...MANIFEST, operations: [...MANIFEST.operations, extra, bad] }),
    );
    await eventually(async () =>
      expect(await metric(stack, 'trusted_documents_manifest_loads_total', { outcome: 'refused' })).toBe(
        refusedBefore + 1,
      ),
    );
    expect((await byId(stack, 'Users', { first: 1 }, token)).body.errors).toBeUndefined();
    const notYet = await post(stack.gatewayUrl, { documentId: extra.id }, token);
    expect(notYet.body.errors?.[0]?.extensions?.code).toBe(NOT_IN_LIST);
    expect(await metric(stack, 'trusted_documents_operations', {})).toBe(MANIFEST.operations.length);

    // Fixed: the valid manifest is served, with the new operation.
    await deploy(manifestPath, JSON.stringify({ ...MANIFEST, operations: [...MANIFEST.operations, extra] }));
    const served = await eventually(async () => {
      const answer = await post(stack.gatewayUrl, { documentId: extra.id }, token);
      expect(answer.body.errors).toBeUndefined();
      return answer;
    });
    expect(served.body).toEqual({ data: { me: { id: ada.id, __typename: 'User' } } });
    expect(await metric(stack, 'trusted_documents_operations', {})).toBe(MANIFEST.operations.length + 1);
  });

  it('refuses a supergraph that a manifest operation does not validate against, together with the manifest', async () => {
    const token = await logInById(stack, ada.email);
    const refusedBefore = await metric(stack, 'trusted_documents_manifest_loads_total', {
      outcome: 'refused',
    });
    const supergraph = await readFile(supergraphPath, 'utf8');
    // Query.user is renamed: the User and UserOrders operations no longer validate.
    const withoutUser = supergraph.replace(
      /^ {2}user\(id: ID!\): User @join__field\(graph: USERS\)/m,
      '  person(id: ID!): User @join__field(graph: USERS)',
    );
    expect(withoutUser).not.toBe(supergraph);
    await deploy(supergraphPath, withoutUser);
    await eventually(async () =>
      expect(await metric(stack, 'trusted_documents_manifest_loads_total', { outcome: 'refused' })).toBe(
        refusedBefore + 1,
      ),
    );
    const answer = await byId(stack, 'User', { id: ada.id }, token);
    expect(answer.body).toEqual({ data: { user: { __typename: 'User', name: ada.name, email: ada.email } } });
    await deploy(supergraphPath, supergraph);
  });
});

describe('trusted documents, logged', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('trusted_log', {
      gateway: { TRUSTED_DOCUMENTS: 'log', RATE_LIMIT_POINTS: '100000' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('executes free text and counts it as unknown', async () => {
    const before = await metric(stack, 'trusted_document_unknown_total', { kind: 'text' });
    const token = await stack.logIn(grace.email);
    const answer = await stack.query('{ me { name } }', {}, token);
    expect(answer.body).toEqual({ data: { me: { name: grace.name } } });
    // stack.logIn sent its LogIn as text too.
    expect(await metric(stack, 'trusted_document_unknown_total', { kind: 'text' })).toBe(before + 2);
  });

  it('counts an unknown persisted hash and leaves it to APQ, which registers it', async () => {
    const query = '{ me { id } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const before = await metric(stack, 'trusted_document_unknown_total', { kind: 'id' });
    const unknown = await post(stack.gatewayUrl, { extensions: { persistedQuery } });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(stack.gatewayUrl, { query, extensions: { persistedQuery } });
    expect(registered.body).toEqual({ data: { me: null } });
    const byHash = await post(stack.gatewayUrl, { extensions: { persistedQuery } });
    expect(byHash.body).toEqual({ data: { me: null } });
    expect(await metric(stack, 'trusted_document_unknown_total', { kind: 'id' })).toBe(before + 2);
  });

  it('answers every query of the manifest by id exactly as Apollo answers its text, for a customer and an admin', async () => {
    const tokens = [await stack.logIn(grace.email), await stack.logIn(ada.email)];
    const variables: Record<string, Record<string, unknown>> = {
      Users: { first: 3 },
      User: { id: ada.id },
      UsersWithOrders: { first: 3 },
      UserOrders: { id: grace.id },
      Orders: { first: 3, status: 'PENDING' },
      OrdersWithUsers: { first: 3 },
      MyOrders: { first: 2 },
      // An order that does not exist.
      Order: { id: '00000000-0000-0000-0000-000000000000' },
      Products: { first: 3, search: 'e' },
      Product: { id: demoProduct('KB-MECH').id },
      // A customer gets the products with orderCount refused (admins only), by id as by text.
      ProductsWithOrderCounts: { first: 3 },
      OrdersWithProducts: { first: 3 },
      OrderProductSkus: { id: '10000000-0000-4000-8000-000000000001' },
    };
    const queries = E2E_OPERATIONS.filter(({ type }) => type === 'query');
    expect(queries.map(({ name }) => name).sort()).toEqual(Object.keys(variables).sort());
    for (const token of tokens) {
      for (const { name } of queries) {
        const text = await byText(stack, name, variables[name], token);
        const id = await byId(stack, name, variables[name], token);
        expect(id, name).toEqual(text);
      }
    }
  });

  it('answers bad variables and refused page sizes by id exactly as by text (the fast path leaves them to Apollo)', async () => {
    const token = await stack.logIn(ada.email);
    const labels = { id: operation('Users').id, name: 'Users', path: 'apollo' };
    // Earlier tests may have sent Users too (an unauthorized caller's also goes through Apollo): count from here.
    const fallbacksBefore = await metric(stack, 'trusted_document_executions_total', labels);
    const cases: [string, Record<string, unknown>][] = [
      ['User', {}],
      ['Users', { first: 'ten' }],
      ['Users', { first: 1000 }],
      ['Orders', { status: 'LOST' }],
    ];
    for (const [name, variables] of cases) {
      const text = await byText(stack, name, variables, token);
      expect(text.status, name).toBeGreaterThanOrEqual(400);
      expect(await byId(stack, name, variables, token), name).toEqual(text);
    }
    const fallbacks = await metric(stack, 'trusted_document_executions_total', labels);
    expect(fallbacks - fallbacksBefore).toBe(2);
  });
});
