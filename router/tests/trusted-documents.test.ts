import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAccessToken } from '@supergraph/service-kit/auth';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MANIFEST_PATH, loadEnv } from '../src/env.ts';
import { buildRouter } from '../src/server.ts';
import { startProbe } from './probe.ts';

const logger = createLogger('gateway', 'silent');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const entry = (name: string, body: string) => ({ id: sha256(body), name, type: 'query', body });
const manifestOf = (...operations: ReturnType<typeof entry>[]) =>
  JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });

describe('TRUSTED_DOCUMENTS', () => {
  it('defaults to enforce in production and to off elsewhere; an explicit mode wins', () => {
    const mode = (vars: Record<string, string>) => loadEnv({ ...testSecrets(), ...vars }).TRUSTED_DOCUMENTS;
    expect(mode({ NODE_ENV: 'production' })).toBe('enforce');
    expect(mode({ NODE_ENV: 'development' })).toBe('off');
    expect(mode({ NODE_ENV: 'test' })).toBe('off');
    expect(mode({ NODE_ENV: 'production', TRUSTED_DOCUMENTS: 'log' })).toBe('log');
    expect(loadEnv(testSecrets()).TRUSTED_DOCUMENTS_MANIFEST).toBe(DEFAULT_MANIFEST_PATH);
  });
});

describe('gateway start with trusted documents', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trusted-router-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (manifest: string) => {
    const path = join(dir, `${sha256(manifest).slice(0, 8)}.json`);
    await writeFile(path, manifest);
    return buildRouter(
      loadEnv({
        ...testSecrets(),
        LOG_LEVEL: 'silent',
        TRUSTED_DOCUMENTS: 'enforce',
        TRUSTED_DOCUMENTS_MANIFEST: path,
        SUPERGRAPH_WATCH: 'false',
        MAX_COST: '200',
      }),
      logger,
    );
  };

  it("starts on the repository's committed manifest", async () => {
    const router = await start(await readFile(DEFAULT_MANIFEST_PATH, 'utf8'));
    await router.start();
    await router.stop();
  });

  it('refuses to start when an operation does not validate, exceeds a limit or is not what its entry says, naming each', async () => {
    const router = await start(
      manifestOf(
        entry('Fine', 'query Fine { me { id } }'),
        entry('Nickname', 'query Nickname { me { nickname } }'),
        entry(
          'Costly',
          'query Costly { users(first: 100) { edges { node { orders(first: 100) { edges { node { id } } } } } } }',
        ),
        entry('Renamed', 'query Other { me { id } }'),
      ),
    );
    const failure = router.start();
    await expect(failure).rejects.toThrow(
      /Nickname \([0-9a-f]{12}…\): Cannot query field "nickname" on type "User"/,
    );
    await expect(failure).rejects.toThrow(
      /Costly \([0-9a-f]{12}…\): The operation is too expensive: cost \d+ exceeds the limit of 200/,
    );
    await expect(failure).rejects.toThrow(/Renamed \([0-9a-f]{12}…\): the body has no query named Renamed/);
    await expect(failure).rejects.not.toThrow(/Fine/);
  });

  it('starts on a manifest whose operation defers a fragment, as a client corpus may', async () => {
    const router = await start(
      manifestOf(
        entry(
          'MeThenOrders',
          'query MeThenOrders { me { name ... @defer(label: "orders") { orders(first: 2) { edges { node { id } } } } } }',
        ),
      ),
    );
    await router.start();
    await router.stop();
  });

  it('refuses to start on a file that is not an Apollo persisted query manifest', async () => {
    const router = await start(JSON.stringify({ format: 'something-else', operations: [] }));
    await expect(router.start()).rejects.toThrow(/is not an Apollo persisted query manifest/);
  });

  it('refuses to start without its manifest, saying how to get one', async () => {
    const router = buildRouter(
      loadEnv({
        ...testSecrets(),
        TRUSTED_DOCUMENTS: 'enforce',
        TRUSTED_DOCUMENTS_MANIFEST: join(dir, 'missing.json'),
      }),
      logger,
    );
    await expect(router.start()).rejects.toThrow(
      /Cannot read the trusted-documents manifest .*npm run codegen/s,
    );
  });
});

describe('a request by id', () => {
  it('checks the cost that depends on its variables per request, and never reaches a subgraph when refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trusted-router-'));
    const probe = await startProbe(() => ({ json: { data: { users: { edges: [] } } } }));
    const users = entry('Page', 'query Page($first: Int) { users(first: $first) { edges { node { id } } } }');
    await writeFile(join(dir, 'manifest.json'), manifestOf(users));
    const secrets = testSecrets();
    const adminToken = await signAccessToken(
      { userId: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' },
      { secret: secrets.JWT_SECRET, ttlSeconds: 600 },
    );
    const router = buildRouter(
      loadEnv({
        ...secrets,
        LOG_LEVEL: 'silent',
        TRUSTED_DOCUMENTS: 'enforce',
        TRUSTED_DOCUMENTS_MANIFEST: join(dir, 'manifest.json'),
        SUBGRAPH_USERS_URL: probe.url,
        SUBGRAPH_ORDERS_URL: probe.url,
        MAX_COST: '50',
      }),
      logger,
    );
    await router.start();
    const http = await listen(router.app, 0, '127.0.0.1');
    const send = async (first: number) => {
      const response = await fetch(`${http.url}/graphql`, {
        method: 'POST',
        // `users` requires the admin scope: an admin's token, so that only the cost decides.
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ documentId: `sha256:${users.id}`, variables: { first } }),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    try {
      expect(await send(2)).toEqual({ status: 200, body: { data: { users: { edges: [] } } } });
      expect(probe.hits.filter((hit) => hit.url === '/graphql')).toHaveLength(1);

      const refused = await send(60);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        errors: [{ extensions: { code: 'COST_LIMIT_EXCEEDED', maxCost: 50 } }],
      });
      expect(probe.hits.filter((hit) => hit.url === '/graphql')).toHaveLength(1);
    } finally {
      await http.close(0);
      await router.stop();
      await probe.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
