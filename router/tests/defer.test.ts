import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { graphql, testSecrets } from '@supergraph/testing';
import { mergeIncremental, postDeferred } from '@supergraph/testing/incremental';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { installResultShaping } from '../src/result-shaping/install.ts';
import { buildRouter } from '../src/server.ts';
import { FOREIGN_SUBGRAPHS, serveSubgraph, type RunningSubgraph } from './foreign-subgraphs.ts';

const logger = createLogger('gateway', 'silent');
let dir: string;
let subgraphs: RunningSubgraph[];
let gateway: { url: string; close(): Promise<void> };

beforeAll(async () => {
  subgraphs = await Promise.all(FOREIGN_SUBGRAPHS.map(serveSubgraph));
  const composed = composeServices(
    FOREIGN_SUBGRAPHS.map(({ name, sdl }, index) => ({
      name,
      url: subgraphs[index]!.url,
      typeDefs: parse(sdl),
    })),
  );
  if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
  dir = await mkdtemp(join(tmpdir(), 'defer-'));
  const path = join(dir, 'supergraph.graphql');
  await writeFile(path, composed.supergraphSdl);
  installResultShaping('lean', logger);
  const router = buildRouter(
    loadEnv({ ...testSecrets(), NODE_ENV: 'test', LOG_LEVEL: 'silent', SUPERGRAPH_PATH: path }),
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
  await Promise.all((subgraphs ?? []).map((subgraph) => subgraph.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('@defer through the gateway', () => {
  it('smoke', async () => {
    const query = `{ topProducts { upc name ... @defer(label: "ship") { shippingEstimate reviews { body author { name ... @defer { username } } } } } }`;
    const response = await postDeferred({ url: gateway.url, query });
    console.log(response.status, response.contentType, JSON.stringify(response.payloads, null, 1));
    const plain = await graphql(gateway.url, query);
    console.log(JSON.stringify(plain.body));
    expect(mergeIncremental(response.payloads)).toEqual({ data: plain.body.data, errors: [] });
  });
});
