import { copyFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, loadSubgraphs, renderSupergraphFile, SUPERGRAPH_PATH } from '@supergraph/schema';
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
  stack = await startStack('reload', { gateway: { SUPERGRAPH_PATH: supergraphPath } });
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

    await new Promise((resolve) => setTimeout(resolve, 300));
    await deploy(renderSupergraphFile(composed.supergraphSdl));
    await expect.poll(meDescription, { timeout: 10_000, interval: 100 }).toBe('The caller (v2).');

    // A broken file is refused; the gateway keeps serving the version it has.
    await deploy('this is not a supergraph');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await meDescription()).toBe('The caller (v2).');

    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(completed).toBeGreaterThan(20);
  });
});
