import { copyFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeSupergraph, loadSubgraphs, renderSupergraphFile, SUPERGRAPH_PATH } from '@supergraph/schema';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * A deploy writes a newly composed supergraph next to the running gateway: it switches to it without a
 * restart and without failing a request in flight, and refuses a file that does not load.
 */
let stack: Stack;
let dir: string;
let supergraphPath: string;

/** Replace the file the way deploy tools do: write a sibling, then rename over the original. */
async function deploy(content: string) {
  const next = join(dir, `.supergraph-${Date.now()}.tmp`);
  await writeFile(next, content);
  await rename(next, supergraphPath);
}

/** Four clients querying users and orders without pause until `stop()`; resolves with what failed. */
function steadyLoad(token: string) {
  let stop = false;
  const failures: unknown[] = [];
  let completed = 0;
  const worker = async () => {
    for (let i = 0; i < 500 && !stop; i++) {
      const response = await stack.query(
        '{ me { name orders(first: 1) { edges { node { id } } } } }',
        {},
        token,
      );
      if (response.status !== 200 || response.body.errors) failures.push(response.body);
      completed += 1;
    }
  };
  const load = Promise.all([worker(), worker(), worker(), worker()]);
  return {
    async stop() {
      stop = true;
      await load;
      return { failures, completed };
    },
  };
}

const meDescription = async () => {
  const response = await stack.query<{ __type: { fields: { name: string; description: string | null }[] } }>(
    '{ __type(name: "Query") { fields { name description } } }',
  );
  return response.body.data?.__type.fields.find((field) => field.name === 'me')?.description;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'supergraph-'));
  supergraphPath = join(dir, 'supergraph.graphql');
  await copyFile(SUPERGRAPH_PATH, supergraphPath);
  stack = await startStack('reload', {
    gateway: {
      SUPERGRAPH_PATH: supergraphPath,
      // A short deadline: a subgraph that left the supergraph is retired once requests begun before are over.
      REQUEST_TIMEOUT_MS: '2000',
      // Two tests of steady load from one caller stay well within the limit.
      RATE_LIMIT_POINTS: '100000',
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('supergraph hot reload', () => {
  it('switches to a newly composed supergraph while requests run, failing none', async () => {
    const token = await stack.logIn('grace@example.com');
    const before = await meDescription();
    expect(before).toMatch(/^The logged-in caller/);

    // The next version: the same subgraphs with one description changed, composed for real.
    const subgraphs = loadSubgraphs().map((subgraph) =>
      subgraph.name === 'users'
        ? { ...subgraph, sdl: subgraph.sdl.replace(`"${before}"`, '"The caller (v2)."') }
        : subgraph,
    );
    const composed = composeSupergraph(subgraphs);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));

    const load = steadyLoad(token);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await deploy(renderSupergraphFile(composed.supergraphSdl));
    await expect.poll(meDescription, { timeout: 10_000, interval: 100 }).toBe('The caller (v2).');

    // A broken file is refused; the gateway keeps serving the version it has.
    await deploy('this is not a supergraph');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await meDescription()).toBe('The caller (v2).');

    const { failures, completed } = await load.stop();
    expect(failures).toEqual([]);
    expect(completed).toBeGreaterThan(20);
  });

  it('starts routing, readiness and metrics for a subgraph a reload adds, and stops them when a reload removes it', async () => {
    // A third party's subgraph: plain Apollo, no /health/ready, adding a field to the users' User entity.
    let inventoryRequests = 0;
    const inventory = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(INVENTORY_SDL),
        resolvers: { User: { loyaltyPoints: ({ id }: { id: string }) => id.length } },
      }),
      plugins: [
        ApolloServerPluginInlineTraceDisabled(),
        { requestDidStart: async () => void inventoryRequests++ },
      ],
    });
    const { url: inventoryUrl } = await startStandaloneServer(inventory, {
      listen: { port: 0, host: '127.0.0.1' },
    });
    const token = await stack.logIn('grace@example.com');
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    const readiness = async () =>
      ((await (await fetch(`${base}/health/ready`)).json()) as { subgraphs: object }).subgraphs;
    const metricLines = async (subgraph: string) =>
      (await (await fetch(stack.gatewayMetricsUrl)).text())
        .split('\n')
        .filter((line) => line.includes(`subgraph="${subgraph}"`));
    const loyalty = () =>
      stack.query<{ me: { id: string; loyaltyPoints: number } }>('{ me { id loyaltyPoints } }', {}, token);
    const withoutInventory = loadSubgraphs();
    const withInventory = composeSupergraph([
      ...withoutInventory,
      { name: 'inventory', url: inventoryUrl, sdl: INVENTORY_SDL },
    ]);
    const original = composeSupergraph(withoutInventory);
    if (!withInventory.ok || !original.ok) throw new Error('composition failed');

    const load = steadyLoad(token);
    try {
      await deploy(renderSupergraphFile(withInventory.supergraphSdl));
      await expect
        .poll(async () => (await loyalty()).body.data?.me.loyaltyPoints, { timeout: 10_000 })
        .toBe(36);
      expect(await readiness()).toEqual({ users: 'up', orders: 'up', catalog: 'up', inventory: 'up' });
      expect(await metricLines('inventory')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^subgraph_state\{subgraph="inventory",state="up"[^}]*\} 1$/),
          expect.stringMatching(
            /^subgraph_fetch_duration_seconds_count\{[^}]*subgraph="inventory",outcome="success"[^}]*\} [1-9]/,
          ),
        ]),
      );

      await deploy(renderSupergraphFile(original.supergraphSdl));
      await expect
        .poll(async () => (await loyalty()).body.errors?.[0]?.extensions?.['code'], { timeout: 10_000 })
        .toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await readiness()).toEqual({ users: 'up', orders: 'up', catalog: 'up' });
      // Its fetch metrics go once requests begun on the previous supergraph are over (REQUEST_TIMEOUT_MS).
      await expect.poll(() => metricLines('inventory'), { timeout: 10_000, interval: 250 }).toEqual([]);
      const requestsWhenRemoved = inventoryRequests;
      await loyalty();
      expect(inventoryRequests).toBe(requestsWhenRemoved);

      const { failures, completed } = await load.stop();
      expect(failures).toEqual([]);
      expect(completed).toBeGreaterThan(20);
    } finally {
      await load.stop();
      await inventory.stop();
    }
  });
});

const INVENTORY_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type User @key(fields: "id") {
  id: ID!
  "Points earned in the shop: the length of the id, so the test can tell it came from the entity's key."
  loyaltyPoints: Int!
}
`;
