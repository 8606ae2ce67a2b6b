import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { graphql, testSecrets } from '@supergraph/testing';
import { deferAtRandom, deferEachField } from '@supergraph/testing/defer-placements';
import { mergeIncremental, postDeferred, type FormattedError } from '@supergraph/testing/incremental';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { installResultShaping } from '../src/result-shaping/install.ts';
import { buildRouter } from '../src/server.ts';
import { serveForeignSupergraph, type ForeignSupergraph, type RunningSubgraph } from './foreign-subgraphs.ts';

/**
 * @defer through the gateway over a supergraph with every federation feature a plan can hold (@requires,
 * @provides, an interface entity, @override): the parts arrive in the deferSpec=20220824 multipart format, and
 * what a client holds once all have arrived is exactly the answer to the same query without @defer.
 */
const logger = createLogger('gateway', 'silent');
let foreign: ForeignSupergraph | undefined;
let subgraphs: RunningSubgraph[];
let gateway: { url: string; close(): Promise<void> };
let router: ReturnType<typeof buildRouter>;

beforeAll(async () => {
  foreign = await serveForeignSupergraph('defer');
  ({ subgraphs } = foreign);
  const { path } = foreign;
  installResultShaping('lean', logger);
  router = buildRouter(
    loadEnv({
      ...testSecrets(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SUPERGRAPH_PATH: path,
      // The last test opens a breaker: a few failed fetches are enough, and it stays open.
      BREAKER_VOLUME_THRESHOLD: '2',
      BREAKER_ERROR_THRESHOLD_PERCENT: '50',
      BREAKER_RESET_MS: '60000',
    }),
    logger,
  );
  await router.start();
  const http = await listen(router.app, 0, '127.0.0.1');
  gateway = {
    url: `${http.url}/graphql`,
    async close() {
      await http.close(0);
      await router.stop();
    },
  };
});

afterAll(async () => {
  await gateway?.close();
  await foreign?.stop();
});

// Each crosses subgraphs: @requires (inventory needs products' price and weight), entity hops in both
// directions, an interface entity, @provides, aliases, a named fragment and a variable.
const QUERIES: { query: string; variables?: Record<string, unknown> }[] = [
  {
    query:
      '{ topProducts { upc name price inStock shippingEstimate reviews { body author { username name } } } }',
  },
  {
    query: `{ media { __typename id title ... on Book { author } ... on Movie { director }
      reviews { body author { username } } } }`,
  },
  {
    query:
      '{ users { username everything: reviews { ...R } } } fragment R on Review { id product { name reviewCount } }',
  },
  { query: '{ reviews { body author { username name } product { upc shippingEstimate } } }' },
  {
    query: 'query Top($first: Int) { topProducts(first: $first) { name shippingEstimate } }',
    variables: { first: 2 },
  },
];

const plainAnswer = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await graphql(gateway.url, query, variables);
  expect(response.status).toBe(200);
  return response.body;
};

const byJson = (errors: FormattedError[]) => errors.map((error) => JSON.stringify(error)).sort();

describe('@defer through the gateway', () => {
  it('sends the primary part first, then each deferred fragment with its label and path, as multipart/mixed deferSpec=20220824', async () => {
    const query = `{ topProducts(first: 2) { upc ... @defer(label: "shipping") { shippingEstimate
      reviews { body author { name ... @defer(label: "who") { username } } } } } }`;
    const response = await postDeferred({ url: gateway.url, query });

    expect(response.status).toBe(200);
    expect(response.contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    expect(response.payloads).toEqual([
      { data: { topProducts: [{ upc: 'p1' }, { upc: 'p2' }] }, hasNext: true },
      {
        incremental: [
          {
            data: {
              shippingEstimate: 500,
              reviews: [
                { body: 'Love it', author: { name: 'Ada Lovelace' } },
                { body: 'Sturdy', author: { name: 'Alan Turing' } },
              ],
            },
            path: ['topProducts', 0],
            label: 'shipping',
          },
          {
            data: { shippingEstimate: 0, reviews: [{ body: 'Too heavy', author: { name: 'Alan Turing' } }] },
            path: ['topProducts', 1],
            label: 'shipping',
          },
        ],
        hasNext: true,
      },
      {
        incremental: [
          { data: { username: 'ada' }, path: ['topProducts', 0, 'reviews', 0, 'author'], label: 'who' },
          { data: { username: 'alan' }, path: ['topProducts', 0, 'reviews', 1, 'author'], label: 'who' },
          { data: { username: 'alan' }, path: ['topProducts', 1, 'reviews', 0, 'author'], label: 'who' },
        ],
        hasNext: false,
      },
    ]);
  });

  it('answers a client that does not accept multipart with one ordinary response, as if nothing were deferred', async () => {
    const deferred = '{ topProducts { upc ... @defer { shippingEstimate reviews { body } } } }';
    const response = await graphql(gateway.url, deferred);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(response.body).toEqual(
      await plainAnswer('{ topProducts { upc shippingEstimate reviews { body } } }'),
    );
  });

  it('defers under @defer(if: $var) only when the variable is true', async () => {
    const query =
      'query ($later: Boolean!) { topProducts(first: 1) { upc ... @defer(if: $later) { inStock } } }';

    const now = await postDeferred({ url: gateway.url, query, variables: { later: false } });
    expect(now.payloads).toEqual([{ data: { topProducts: [{ upc: 'p1', inStock: true }] } }]);

    const later = await postDeferred({ url: gateway.url, query, variables: { later: true } });
    expect(later.payloads).toEqual([
      { data: { topProducts: [{ upc: 'p1' }] }, hasNext: true },
      { incremental: [{ data: { inStock: true }, path: ['topProducts', 0] }], hasNext: false },
    ]);
  });

  it('ends with exactly the non-deferred answer, for @defer on each field and at seeded random places', async () => {
    let compared = 0;
    for (const { query, variables = {} } of QUERIES) {
      const expected = await plainAnswer(query, variables);
      expect(expected.errors).toBeUndefined();
      const placements = [
        ...deferEachField(query),
        ...Array.from({ length: 8 }, (_, seed) => deferAtRandom(query, seed)),
      ];
      for (const deferred of placements) {
        const response = await postDeferred({ url: gateway.url, query: deferred, variables });
        const merged = mergeIncremental(response.payloads);
        expect({ query: deferred, data: merged.data, errors: byJson(merged.errors) }).toEqual({
          query: deferred,
          data: expected.data,
          errors: [],
        });
        // A client without multipart gets the same answer in one piece.
        expect(await plainAnswer(deferred, variables)).toEqual(expected);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('defers a named fragment spread, and an aliased field on an interface through its type condition', async () => {
    const query = `{ people: users { username ...R @defer(label: "reviews") }
      media { id ... on Book { ... @defer(label: "book") { author } } } }
      fragment R on User { reviews { body } }`;

    const response = await postDeferred({ url: gateway.url, query });

    expect(response.payloads[0]).toEqual({
      data: { people: [{ username: 'ada' }, { username: 'alan' }], media: [{ id: 'm1' }, { id: 'm2' }] },
      hasNext: true,
    });
    const parts = response.payloads.slice(1).flatMap((payload) => payload.incremental ?? []);
    expect(parts).toHaveLength(3);
    expect(parts).toEqual(
      expect.arrayContaining([
        {
          data: { reviews: [{ body: 'Love it' }, { body: 'A classic' }] },
          path: ['people', 0],
          label: 'reviews',
        },
        {
          data: { reviews: [{ body: 'Too heavy' }, { body: 'Sturdy' }] },
          path: ['people', 1],
          label: 'reviews',
        },
        { data: { author: 'Frank Herbert' }, path: ['media', 0], label: 'book' },
      ]),
    );
    expect(response.payloads.at(-1)?.hasNext).toBe(false);
    expect(mergeIncremental(response.payloads).data).toEqual(
      (
        await plainAnswer(
          '{ people: users { username ...R } media { id ... on Book { author } } } fragment R on User { reviews { body } }',
        )
      ).data,
    );
  });

  it('answers introspection and __typename beside a deferred fragment as Apollo answers them', async () => {
    const query = `{ __typename kind: __type(name: "Product") { name }
      topProducts(first: 1) { __typename ... @defer { inStock } } }`;

    const response = await postDeferred({ url: gateway.url, query });

    expect(response.payloads).toEqual([
      {
        data: { __typename: 'Query', kind: { name: 'Product' }, topProducts: [{ __typename: 'Product' }] },
        hasNext: true,
      },
      { incremental: [{ data: { inStock: true }, path: ['topProducts', 0] }], hasNext: false },
    ]);
  });

  it('ends with a bare hasNext: false when a deferred fragment lies under an empty list', async () => {
    const response = await postDeferred({
      url: gateway.url,
      query: '{ topProducts(first: 0) { upc ... @defer { inStock } } }',
    });

    expect(response.payloads).toEqual([{ data: { topProducts: [] }, hasNext: true }, { hasNext: false }]);
  });

  // Last: it stops a subgraph.
  it('answers a deferred part whose subgraph is down, then behind an open breaker, with SUBGRAPH_UNAVAILABLE errors in that part; the first part stands', async () => {
    await subgraphs.find((subgraph) => subgraph.name === 'inventory')!.stop();
    const query = '{ topProducts(first: 2) { upc name ... @defer(label: "stock") { inStock } } }';

    const response = await postDeferred({ url: gateway.url, query });

    expect(response.payloads[0]).toEqual({
      data: {
        topProducts: [
          { upc: 'p1', name: 'Table' },
          { upc: 'p2', name: 'Couch' },
        ],
      },
      hasNext: true,
    });
    const unavailable = (index: number) => ({
      message: 'The inventory service is unavailable; try again shortly.',
      path: ['topProducts', index, 'inStock'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'inventory' },
    });
    const deferredPart = [
      {
        incremental: [
          { data: null, path: ['topProducts', 0], label: 'stock', errors: [unavailable(0)] },
          { data: null, path: ['topProducts', 1], label: 'stock', errors: [unavailable(1)] },
        ],
        hasNext: false,
      },
    ];
    expect(response.payloads.slice(1)).toEqual(deferredPart);

    // The breaker counts within a rolling window that still holds the successes of the tests above.
    for (let attempt = 0; attempt < 1000 && router.health.state('inventory') !== 'open'; attempt += 1) {
      await postDeferred({ url: gateway.url, query });
    }
    expect(router.health.state('inventory')).toBe('open');
    const behindBreaker = await postDeferred({ url: gateway.url, query });
    expect(behindBreaker.payloads).toEqual(response.payloads);
  });
});
