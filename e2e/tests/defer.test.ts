import type { ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { DEMO_PRODUCTS, DEMO_USERS } from '@supergraph/demo-data';
import { graphql } from '@supergraph/testing';
import { deferAtRandom, deferEachField } from '@supergraph/testing/defer-placements';
import {
  deferredDifferences,
  mergeIncremental,
  postDeferred,
  type FormattedError,
} from '@supergraph/testing/incremental';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type SubgraphInterceptor } from './stack.ts';

/**
 * @defer through the whole stack: Apollo Client 4 and a plain multipart reader get the caller's name first and
 * their orders when the orders subgraph answers; what they finally hold is what the same query without @defer
 * answers, for every operation of the corpus; a deferred part that fails, runs out of time or loses its client
 * ends on its own, and the first part stands.
 */
let stack: Stack;
let cached: Stack;
let grace: string;
let ada: string;

beforeAll(async () => {
  [stack, cached] = await Promise.all([
    // Random placements nest fragments, and graphql-armor counts each inline fragment as a level of depth
    // (with or without @defer; a test below): this stack allows deeper documents than the default 10.
    startStack('defer', {
      gateway: { RATE_LIMIT_POINTS: '100000', REQUEST_TIMEOUT_MS: '3000', MAX_DEPTH: '32' },
    }),
    startStack('defer_cache', { gateway: { RATE_LIMIT_POINTS: '100000', RESPONSE_CACHE: 'memory' } }),
  ]);
  [grace, ada] = await Promise.all([stack.logIn('grace@example.com'), stack.logIn('ada@example.com')]);
});
afterAll(async () => {
  await Promise.all([stack?.close(), cached?.close()]);
});
afterEach(async () => {
  stack.intercept('orders', undefined);
  await stack.startSubgraph('orders');
});

const ME_DEFERRED = `query MeDeferred {
  me {
    name
    ... @defer {
      orders(first: 10) { edges { node { status user { name } } } }
    }
  }
}`;
const ME_PLAIN = '{ me { name orders(first: 10) { edges { node { status user { name } } } } } }';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Holds each orders GraphQL request until `release` is called (the readiness probes pass untouched). */
function holdOrders(onHeld: (res: ServerResponse) => void = () => {}) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const interceptor: SubgraphInterceptor = async (req, res) => {
    if (!req.url?.startsWith('/graphql')) return false;
    onHeld(res);
    await released;
    return false;
  };
  stack.intercept('orders', interceptor);
  return release;
}

describe('@defer through the gateway', () => {
  it('gives Apollo Client 4 the caller’s name before the orders subgraph has answered, then their orders', async () => {
    const events: string[] = [];
    const release = holdOrders(() => events.push('orders fetch held'));
    const client = new ApolloClient({
      link: new HttpLink({ uri: stack.gatewayUrl, headers: bearer(grace) }),
      cache: new InMemoryCache(),
      incrementalHandler: new Defer20220824Handler(),
    });

    const final = await new Promise<unknown>((resolve, reject) => {
      const subscription = client
        .watchQuery({ query: gql(ME_DEFERRED), fetchPolicy: 'network-only' })
        .subscribe({
          next(result) {
            if (result.dataState === 'streaming') {
              events.push('first payload');
              // The orders fetch may end only now: a gateway that waited for it would never get here.
              events.push('orders fetch released');
              release();
            }
            if (result.dataState === 'complete') {
              events.push('complete');
              subscription.unsubscribe();
              resolve(result.data);
            }
          },
          error: reject,
        });
    });

    expect(events.filter((event) => event !== 'orders fetch held')).toEqual([
      'first payload',
      'orders fetch released',
      'complete',
    ]);
    expect(events).toContain('orders fetch held');
    const expected = await graphql(stack.gatewayUrl, ME_PLAIN, {}, bearer(grace));
    // Apollo Client adds __typename to every selection for its cache.
    expect(withoutTypenames(final)).toEqual(expected.body.data);
    client.stop();
  });

  it('streams two multipart payloads to a plain multipart reader (meros), the first while orders is still held', async () => {
    const order: string[] = [];
    const release = holdOrders(() => order.push('orders fetch held'));
    const response = await postDeferred({
      url: stack.gatewayUrl,
      query: ME_DEFERRED,
      headers: bearer(grace),
      onPayload(payload) {
        order.push(payload.hasNext ? 'first payload' : 'last payload');
        if (payload.hasNext) release();
      },
    });

    expect(response.contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    expect(order.filter((event) => event !== 'orders fetch held')).toEqual(['first payload', 'last payload']);
    expect(response.payloads).toHaveLength(2);
    expect(response.payloads[0]).toEqual({ data: { me: { name: 'Grace Hopper' } }, hasNext: true });
    const plain = await graphql(stack.gatewayUrl, ME_PLAIN, {}, bearer(grace));
    expect(response.payloads[1]).toEqual({
      incremental: [
        { data: { orders: (plain.body.data as { me: { orders: unknown } }).me.orders }, path: ['me'] },
      ],
      hasNext: false,
    });
  });

  it('ends with the non-deferred answer, field for field and error for error (nulls stop at a deferred fragment, as the RFC says), for every corpus query with @defer anywhere', async () => {
    const ordersOfGrace = await graphql<{ orders: { edges: { node: { id: string } }[] } }>(
      stack.gatewayUrl,
      '{ orders(first: 1) { edges { node { id } } } }',
      {},
      bearer(grace),
    );
    const gracesOrder = ordersOfGrace.body.data!.orders.edges[0]!.node.id;
    const variablesOf: Record<string, Record<string, unknown>> = {
      MyOrders: { first: 3 },
      Order: { id: gracesOrder },
      Orders: { first: 3 },
      OrdersWithUsers: { first: 3 },
      User: { id: DEMO_USERS[0].id },
      UserOrders: { id: DEMO_USERS[0].id },
      Users: { first: 3 },
      UsersWithOrders: { first: 2 },
      Products: { first: 3 },
      Product: { id: DEMO_PRODUCTS[0].id },
      ProductsWithOrderCounts: { first: 3 },
      OrdersWithProducts: { first: 3 },
      OrderProductSkus: { id: gracesOrder },
    };
    const folder = join(import.meta.dirname, '..', 'operations');
    const queries: { name: string; source: string }[] = [];
    for (const file of (await readdir(folder)).filter((name) => name.endsWith('.graphql'))) {
      const source = await readFile(join(folder, file), 'utf8');
      const [operation] = parse(source).definitions as OperationDefinitionNode[];
      if (operation?.operation === 'query') queries.push({ name: operation.name!.value, source });
    }
    expect(queries.map(({ name }) => name).sort()).toEqual(Object.keys(variablesOf).sort());

    let compared = 0;
    let withErrors = 0;
    // The admin sees everything; a customer asking for someone else's data gets errors, which must match too.
    for (const token of [ada, grace]) {
      for (const { name, source } of queries) {
        const variables = variablesOf[name]!;
        const expected = (await graphql(stack.gatewayUrl, source, variables, bearer(token))).body;
        const placements = [
          ...deferEachField(source),
          ...[1, 2, 3, 4, 5, 6].map((seed) => deferAtRandom(source, seed)),
        ];
        for (const deferred of placements) {
          const response = await postDeferred({
            url: stack.gatewayUrl,
            query: deferred,
            variables,
            headers: bearer(token),
          });
          const merged = mergeIncremental(response.payloads);
          const errorPaths = merged.errors.flatMap((error) => (error.path ? [error.path] : []));
          expect({ deferred, errors: sorted(merged.errors) }).toEqual({
            deferred,
            errors: sorted((expected.errors ?? []) as FormattedError[]),
          });
          expect({
            deferred,
            differences: deferredDifferences(merged.data, expected.data, errorPaths),
          }).toEqual({
            deferred,
            differences: [],
          });
          if (merged.errors.length > 0) withErrors += 1;
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
    // Some of them answer with errors (a customer asking for another user's orders): errors are compared too.
    expect(withErrors).toBeGreaterThan(0);
    // Hundreds of requests: more than the default 30 s while the rest of `npm test` shares the cores.
  }, 120_000);

  it('answers a deferred part whose subgraph is down with SUBGRAPH_UNAVAILABLE in that part; the first part stands', async () => {
    await stack.stopSubgraph('orders');

    const response = await postDeferred({
      url: stack.gatewayUrl,
      query: ME_DEFERRED,
      headers: bearer(grace),
    });

    expect(response.payloads).toEqual([
      { data: { me: { name: 'Grace Hopper' } }, hasNext: true },
      {
        incremental: [
          {
            data: null,
            path: ['me'],
            errors: [
              {
                message: 'The orders service is unavailable; try again shortly.',
                path: ['me', 'orders'],
                extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' },
              },
            ],
          },
        ],
        hasNext: false,
      },
    ]);
  });

  it('ends a stream at the request deadline: the deferred part still held gets SUBGRAPH_UNAVAILABLE', async () => {
    const release = holdOrders();
    try {
      const response = await postDeferred({
        url: stack.gatewayUrl,
        query: ME_DEFERRED,
        headers: bearer(grace),
      });

      expect(response.payloads[0]).toEqual({ data: { me: { name: 'Grace Hopper' } }, hasNext: true });
      expect(response.payloads[1]).toMatchObject({
        incremental: [
          { data: null, path: ['me'], errors: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] },
        ],
        hasNext: false,
      });
    } finally {
      release();
    }
  });

  it('cancels the deferred fetches still running when the client goes away mid-stream', async () => {
    const held: ServerResponse[] = [];
    const release = holdOrders((res) => held.push(res));
    const client = new AbortController();
    let firstPayload = false;
    const reading = postDeferred({
      url: stack.gatewayUrl,
      query: ME_DEFERRED,
      headers: bearer(grace),
      signal: client.signal,
      onPayload: () => void (firstPayload = true),
    }).catch((error: unknown) => error);
    try {
      // The client leaves once it has the first payload and the deferred orders fetch is under way.
      for (let attempt = 0; attempt < 500 && !(firstPayload && held.length === 1); attempt += 1)
        await sleep(10);
      expect(firstPayload).toBe(true);
      expect(held).toHaveLength(1);
      client.abort();
      expect(await reading).toBeInstanceOf(Error);
      // The gateway closes its request to orders: the held request's connection ends without an answer.
      for (let attempt = 0; attempt < 500 && !held[0]!.destroyed; attempt += 1) await sleep(10);
      expect(held[0]!.destroyed).toBe(true);
      expect(held[0]!.writableFinished).toBe(false);
    } finally {
      release();
    }
  });

  it('shares one orders fetch between the deferred parts of two concurrent requests of one caller', async () => {
    let held = 0;
    const release = holdOrders(() => (held += 1));
    const [hitsBefore, sharedBefore] = [stack.hits.orders, stack.router.dedupStats.shared];
    // Different first parts (no users fetch to share), the same deferred orders fetch.
    const ask = (field: string) =>
      postDeferred({
        url: stack.gatewayUrl,
        query: ME_DEFERRED.replace('name', field),
        headers: bearer(grace),
      });
    const answers = Promise.all([ask('name'), ask('email')]);
    try {
      // One orders fetch held and one request joined it: the only fetch two such requests can share.
      const joined = () => stack.router.dedupStats.shared > sharedBefore && held === 1;
      for (let attempt = 0; attempt < 500 && !joined(); attempt += 1) await sleep(10);
      expect({ held, shared: stack.router.dedupStats.shared - sharedBefore }).toEqual({ held: 1, shared: 1 });
    } finally {
      release();
    }
    const [byName, byEmail] = await answers;

    expect(stack.hits.orders - hitsBefore).toBe(1);
    expect(byName.payloads[1]).toEqual(byEmail.payloads[1]);
    expect(byEmail.payloads[0]).toEqual({ data: { me: { email: 'grace@example.com' } }, hasNext: true });
  });

  it('refuses @defer in a mutation with BAD_USER_INPUT, before any subgraph is called', async () => {
    const before = stack.hits.users + stack.hits.orders;
    const response = await stack.query(
      'mutation { logIn(email: "grace@example.com", password: "demo-password") { ... @defer { token } } }',
    );

    expect(response.body).toEqual({
      errors: [
        {
          message:
            '@defer is supported in queries only: remove it from this mutation or subscription, or send the deferred fields in a query of their own.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(stack.hits.users + stack.hits.orders).toBe(before);
  });

  it('counts a deferred fragment toward the depth limit as it counts a plain inline fragment', async () => {
    const token = await cached.logIn('grace@example.com');
    // Depth 9 without fragments; graphql-armor counts each inline fragment as one more level (limit: 10).
    const wrapped = (fragments: string[]) =>
      `{ me { orders { edges { node { user { orders { edges { node { ${fragments.map((f) => `${f} {`).join(' ')} id ${fragments.map(() => '}').join(' ')} } } } } } } } } }`;
    const ask = async (fragments: string[]) => (await cached.query(wrapped(fragments), {}, token)).body;

    const [onePlain, oneDeferred, twoPlain, twoDeferred] = await Promise.all([
      ask(['...']),
      ask(['... @defer']),
      ask(['...', '...']),
      ask(['...', '... @defer']),
    ]);
    expect(onePlain.errors).toBeUndefined();
    expect(oneDeferred).toEqual(onePlain);
    expect(twoPlain.errors?.[0]?.extensions?.['code']).toBe('DEPTH_LIMIT_EXCEEDED');
    expect(twoDeferred).toEqual(twoPlain);
  });

  it('never stores a deferred answer in the response cache; a complete one it stored answers later requests whole', async () => {
    const token = await cached.logIn('grace@example.com');
    const ask = () => postDeferred({ url: cached.gatewayUrl, query: ME_DEFERRED, headers: bearer(token) });
    const hitsBefore = cached.router.responseCacheStats!.hit;

    const [first, second] = [await ask(), await ask()];
    expect(first.payloads).toHaveLength(2);
    expect(second.payloads).toEqual(first.payloads);
    expect(cached.router.responseCacheStats!.hit).toBe(hitsBefore);

    // Asked without multipart, the same query gets a complete answer, which the cache keeps and then serves whole.
    const whole = await graphql(cached.gatewayUrl, ME_DEFERRED, {}, bearer(token));
    const again = await ask();
    expect(cached.router.responseCacheStats!.hit).toBe(hitsBefore + 1);
    expect(again.payloads).toEqual([whole.body]);
    expect(mergeIncremental(first.payloads)).toEqual({ data: whole.body.data, errors: [] });
  });
});

const withoutTypenames = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, item: unknown) => (key === '__typename' ? undefined : item));

const sorted = (errors: FormattedError[]) => errors.map((error) => JSON.stringify(error)).sort();
