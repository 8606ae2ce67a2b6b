import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { graphql, testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { installResultShaping } from '../src/result-shaping/install.ts';
import { buildRouter } from '../src/server.ts';
import {
  FOREIGN_SUBGRAPHS,
  serveForeignSupergraph,
  type ForeignSupergraph,
  type RunningSubgraph,
} from './foreign-subgraphs.ts';

/**
 * The gateway serves a supergraph composed elsewhere, of subgraphs it has never heard of, given nothing but the
 * supergraph's path: it routes by the URLs in the supergraph, and answers what a bare @apollo/gateway answers
 * (in a process of its own, so with Apollo's own result shaping where ours runs the lean one).
 */
const logger = createLogger('gateway', 'silent');

let foreign: ForeignSupergraph | undefined;
let subgraphs: RunningSubgraph[];
let ours: { url: string; base: string; close(): Promise<void> };
let bare: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  foreign = await serveForeignSupergraph('any-supergraph');
  ({ subgraphs } = foreign);
  const { path } = foreign;

  expect(installResultShaping('lean', logger)).toBe('lean');
  const router = buildRouter(
    loadEnv({ ...testSecrets(), NODE_ENV: 'test', LOG_LEVEL: 'silent', SUPERGRAPH_PATH: path }),
    logger,
  );
  await router.start();
  const http = await listen(router.app, 0, '127.0.0.1');
  ours = {
    url: `${http.url}/graphql`,
    base: http.url,
    async close() {
      await http.close(0);
      await router.stop();
    },
  };

  const child = spawn(process.execPath, [join(import.meta.dirname, 'bare-gateway-process.ts'), path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [firstLine] = (await once(child.stdout, 'data')) as [Buffer];
  bare = {
    url: (JSON.parse(firstLine.toString('utf8')) as { url: string }).url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill();
      await once(child, 'exit');
    },
  };
});

afterAll(async () => {
  await ours?.close();
  await bare?.stop();
  await foreign?.stop();
});

const QUERIES = {
  // products → inventory (@requires price and weight) → reviews (@override) → accounts
  productsAcrossAll: `{
    topProducts {
      upc name price inStock shippingEstimate reviewCount
      reviews { body author { username name } }
    }
  }`,
  // The interface entity: media answers the type, reviews adds fields to every implementation.
  interfaceEntity: `{
    media {
      __typename id title
      ... on Book { author }
      ... on Movie { director }
      reviews { body author { username } }
    }
  }`,
  // accounts → reviews → products, with an alias and a variable-free fragment
  usersToProducts: `{
    users { username everything: reviews { ...R } }
  }
  fragment R on Review { id product { name reviewCount } }`,
  // @provides: the username comes from reviews itself
  provided: '{ reviews { body author { username } } }',
  // @inaccessible: the field exists in the subgraph, but not for clients
  inaccessible: '{ topProducts { upc internalCode } }',
  withVariables: {
    query: 'query Top($first: Int) { topProducts(first: $first) { name shippingEstimate } }',
    variables: { first: 2 },
  },
} as const;

type Query = string | { query: string; variables: Record<string, unknown> };
const send = async (url: string, query: Query) => {
  const { query: text, variables } = typeof query === 'string' ? { query, variables: {} } : query;
  const response = await graphql(url, text, variables);
  return { status: response.status, body: response.body };
};

describe('a supergraph of subgraphs the gateway has never heard of', () => {
  it.each(Object.entries(QUERIES))('answers %s exactly as a bare @apollo/gateway does', async (_, query) => {
    const [ourAnswer, bareAnswer] = [await send(ours.url, query), await send(bare.url, query)];

    expect(ourAnswer).toEqual(bareAnswer);
  });

  it('resolves every federation feature to the subgraph that owns it', async () => {
    const across = await send(ours.url, QUERIES.productsAcrossAll);
    expect(across.body.errors).toBeUndefined();
    expect(across.body.data).toEqual({
      topProducts: [
        {
          upc: 'p1',
          name: 'Table',
          price: 899,
          inStock: true,
          shippingEstimate: 500,
          reviewCount: 2,
          reviews: [
            { body: 'Love it', author: { username: 'ada', name: 'Ada Lovelace' } },
            { body: 'Sturdy', author: { username: 'alan', name: 'Alan Turing' } },
          ],
        },
        {
          upc: 'p2',
          name: 'Couch',
          price: 1299,
          inStock: false,
          shippingEstimate: 0,
          reviewCount: 1,
          reviews: [{ body: 'Too heavy', author: { username: 'alan', name: 'Alan Turing' } }],
        },
        {
          upc: 'p3',
          name: 'Chair',
          price: 54,
          inStock: true,
          shippingEstimate: 25,
          reviewCount: 0,
          reviews: [],
        },
      ],
    });

    const media = await send(ours.url, QUERIES.interfaceEntity);
    expect(media.body).toEqual({
      data: {
        media: [
          {
            __typename: 'Book',
            id: 'm1',
            title: 'Dune',
            author: 'Frank Herbert',
            reviews: [{ body: 'A classic', author: { username: 'ada' } }],
          },
          { __typename: 'Movie', id: 'm2', title: 'Alien', director: 'Ridley Scott', reviews: [] },
        ],
      },
    });

    const accounts = subgraphs.find((subgraph) => subgraph.name === 'accounts')!;
    const before = accounts.requests;
    const provided = await send(ours.url, QUERIES.provided);
    expect(provided.body.errors).toBeUndefined();
    expect(accounts.requests).toBe(before);

    const hidden = await send(ours.url, QUERIES.inaccessible);
    expect(hidden.status).toBe(400);
    expect(hidden.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports every subgraph ready, asking { __typename } of subgraphs without /health/ready', async () => {
    const ready = await fetch(`${ours.base}/health/ready`);

    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      subgraphs: Object.fromEntries(FOREIGN_SUBGRAPHS.map(({ name }) => [name, 'up'])),
    });
  });
});
