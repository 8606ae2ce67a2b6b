import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { createLogger } from '@supergraph/service-kit/logger';
import { testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServedSupergraph } from '../src/authorization/supported-features.ts';
import { DEFAULT_SUPERGRAPH_PATH, loadEnv } from '../src/env.ts';
import { buildRouter } from '../src/server.ts';

const logger = createLogger('gateway', 'silent');
let dir: string;
let committed: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authz-router-'));
  committed = await readFile(DEFAULT_SUPERGRAPH_PATH, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts a gateway on `sdl` (no subgraph is asked at start); resolves to the error it refused with, if any. */
async function startOn(sdl: string, name: string): Promise<unknown> {
  const path = join(dir, `${name}.graphql`);
  await writeFile(path, sdl);
  const router = buildRouter(
    loadEnv({ ...testSecrets(), LOG_LEVEL: 'silent', SUPERGRAPH_PATH: path }),
    logger,
  );
  try {
    await router.start();
  } catch (error) {
    // Apollo refuses stop() after a start that failed; nothing of the router is running then.
    return error;
  }
  await router.stop();
  return undefined;
}

const withLink = (sdl: string, link: string) =>
  sdl.replace(
    '@link(url: "https://specs.apollo.dev/link/v1.0")',
    `@link(url: "https://specs.apollo.dev/link/v1.0")\n  ${link}`,
  );

describe('the supergraph features the gateway accepts', () => {
  it('refuses, as federation-internals does by default, the authorization features it would not enforce', () => {
    expect(() => Supergraph.build(committed)).toThrow(
      /feature https:\/\/specs\.apollo\.dev\/authenticated\/v0\.1 is for: SECURITY but is unsupported/,
    );
    expect(
      buildServedSupergraph(committed)
        .subgraphsMetadata()
        .map(({ name }) => name),
    ).toEqual(['catalog', 'orders', 'users']);
  });

  it('serves the committed supergraph, which links authenticated, requiresScopes and policy', async () => {
    expect(committed).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(await startOn(committed, 'committed')).toBeUndefined();
  });

  it('still refuses any other SECURITY or EXECUTION feature it does not implement', async () => {
    for (const [link, message] of [
      [
        '@link(url: "https://specs.apollo.dev/rowFilter/v0.1", for: SECURITY)',
        /feature https:\/\/specs\.apollo\.dev\/rowFilter\/v0\.1 is for: SECURITY but is unsupported/,
      ],
      [
        '@link(url: "https://example.com/rateShaping/v1.0", for: EXECUTION)',
        /feature https:\/\/example\.com\/rateShaping\/v1\.0 is for: EXECUTION but is unsupported/,
      ],
    ] as const) {
      const error = await startOn(withLink(committed, link), 'unsupported');
      expect(String(error)).toMatch(message);
    }
  });

  it('refuses to start on a supergraph naming a policy no function decides', async () => {
    const sdl = committed.replace(
      '@policy(policies: [["customer_self_service"]])',
      '@policy(policies: [["weekdays_only"]])',
    );
    expect(sdl).not.toBe(committed);
    expect(String(await startOn(sdl, 'policy'))).toContain(
      '@policy "weekdays_only" is used in the supergraph but no policy function decides it (router/src/authorization/policies.ts)',
    );
  });
});
