import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import {
  createAccessTokenVerifier,
  createInternalTokenSigner,
  INTERNAL_TOKEN_HEADER,
  signAccessToken,
  verifyInternalToken,
  type Identity,
} from '@supergraph/service-kit/auth';
import { EnvError } from '@supergraph/service-kit/env';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { graphql, testSecrets } from '@supergraph/testing';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContextBuilder } from '../src/context.ts';
import { createRequestScopes } from '../src/request-scope.ts';
import { loadEnv } from '../src/env.ts';
import { overrideProblems, subgraphSettingsOf } from '../src/subgraph-settings.ts';
import { buildRouter } from '../src/server.ts';
import { startProbe, type Probe, type ProbeAnswer, type ProbeHit } from './probe.ts';

const logger = createLogger('gateway', 'silent');

/** A started gateway on a free port, configured from `vars` on top of fresh secrets. */
async function startGateway(vars: Record<string, string>) {
  const secrets = testSecrets();
  const env = loadEnv({ ...secrets, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...vars });
  const router = buildRouter(env, logger);
  await router.start();
  const http = await listen(router.app, 0, '127.0.0.1');
  return {
    secrets,
    base: http.url,
    url: `${http.url}/graphql`,
    async close() {
      await http.close(0);
      await router.stop();
    },
  };
}

const accessToken = (identity: NonNullable<Identity>, secret: string, ttlSeconds = 60) =>
  signAccessToken(identity, { secret, ttlSeconds });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Answers each subgraph query the way a subgraph would shape it, with no data behind it. */
function emptyAnswer({ body }: ProbeHit): ProbeAnswer {
  if (body.query?.includes('orders')) return { json: { data: { orders: { edges: [] } } } };
  return { json: { data: { me: null } } };
}

describe('loadEnv', () => {
  it('reports every missing and invalid variable in one error', () => {
    const load = () =>
      loadEnv({
        PORT: 'eighty',
        SUBGRAPH_USERS_URL: 'ftp://users',
        SUBGRAPH_USERS_ULR: 'http://users:4001/graphql',
        SUBGRAPH_TIMEOUT_MS: '0',
        LOG_LEVEL: 'loud',
      });

    expect(load).toThrow(EnvError);
    const message = (() => {
      try {
        load();
        return '';
      } catch (error) {
        return String(error);
      }
    })();
    for (const name of [
      'JWT_SECRET',
      'INTERNAL_SECRET',
      'PORT',
      'SUBGRAPH_USERS_URL',
      'SUBGRAPH_USERS_ULR',
      'SUBGRAPH_TIMEOUT_MS',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).toMatch(
      /not a gateway setting: per-subgraph settings are SUBGRAPH_<NAME>_\{URL,[^\n]*\n *→ at SUBGRAPH_USERS_ULR/,
    );
  });

  it('reports invalid failure-behaviour settings by name', () => {
    const invalid = {
      SUBGRAPH_ORDERS_TIMEOUT_MS: '0',
      SUBGRAPH_ORDERS_BREAKER_RESET_MS: '5',
      REQUEST_TIMEOUT_MS: 'soon',
      BREAKER_ERROR_THRESHOLD_PERCENT: '101',
      BREAKER_VOLUME_THRESHOLD: '0',
      BREAKER_RESET_MS: '-1',
    };

    const load = () => loadEnv({ ...testSecrets(), ...invalid });

    expect(load).toThrow(EnvError);
    for (const name of Object.keys(invalid)) expect(load).toThrow(name);
  });

  it('routes each subgraph to its supergraph URL and defaults unless SUBGRAPH_<NAME>_* says otherwise', () => {
    const env = loadEnv({
      ...testSecrets(),
      SUBGRAPH_TIMEOUT_MS: '2000',
      BREAKER_RESET_MS: '3000',
      SUBGRAPH_ORDERS_TIMEOUT_MS: '500',
      SUBGRAPH_ORDERS_BREAKER_VOLUME_THRESHOLD: '9',
      SUBGRAPH_USER_ACCOUNTS_URL: 'http://accounts:4010/graphql',
      SUBGRAPH_USER_ACCOUNTS_BREAKER_ERROR_THRESHOLD_PERCENT: '25',
      SUBGRAPH_USER_ACCOUNTS_BREAKER_RESET_MS: '700',
    });
    const defaults = { errorThresholdPercent: 50, volumeThreshold: 5, resetMs: 3_000 };

    expect(subgraphSettingsOf(env, { name: 'users', url: 'http://127.0.0.1:4001/graphql' })).toEqual({
      name: 'users',
      url: 'http://127.0.0.1:4001/graphql',
      timeoutMs: 2_000,
      idleSocketMs: 4_000,
      breaker: defaults,
    });
    expect(subgraphSettingsOf(env, { name: 'orders', url: 'http://127.0.0.1:4002/graphql' })).toEqual({
      name: 'orders',
      url: 'http://127.0.0.1:4002/graphql',
      timeoutMs: 500,
      idleSocketMs: 4_000,
      breaker: { ...defaults, volumeThreshold: 9 },
    });
    expect(subgraphSettingsOf(env, { name: 'user-accounts', url: 'http://elsewhere/graphql' })).toEqual({
      name: 'user-accounts',
      url: 'http://accounts:4010/graphql',
      timeoutMs: 2_000,
      idleSocketMs: 4_000,
      breaker: { errorThresholdPercent: 25, volumeThreshold: 5, resetMs: 700 },
    });
    expect(() => subgraphSettingsOf(env, { name: 'reviews', url: '' })).toThrow(/SUBGRAPH_REVIEWS_URL/);
  });

  it('names the SUBGRAPH_* variables that match no subgraph of a supergraph', () => {
    const env = loadEnv({
      ...testSecrets(),
      SUBGRAPH_USERS_URL: 'http://users:4001/graphql',
      SUBGRAPH_USER_TIMEOUT_MS: '500',
    });

    expect(overrideProblems(env, ['users', 'orders'])).toEqual([
      'SUBGRAPH_USER_TIMEOUT_MS matches no subgraph of the supergraph (subgraphs: users → SUBGRAPH_USERS_*, orders → SUBGRAPH_ORDERS_*)',
    ]);
    expect(overrideProblems(env, ['users', 'user'])).toEqual([]);
  });

  it('refuses secrets shorter than 32 characters', () => {
    expect(() => loadEnv({ JWT_SECRET: 'short', INTERNAL_SECRET: 'short' })).toThrow(
      /at least 32 characters/,
    );
  });

  it('defaults everything but the secrets so `npm start` works on a fresh machine', () => {
    const env = loadEnv(testSecrets());

    expect(env).toMatchObject({
      PORT: 4000,
      HOST: '127.0.0.1',
      SUPERGRAPH_PATH: expect.stringMatching(/schema\/supergraph\.graphql$/),
      subgraphOverrides: {},
      SUBGRAPH_TIMEOUT_MS: 10_000,
      REQUEST_TIMEOUT_MS: 15_000,
      BREAKER_ERROR_THRESHOLD_PERCENT: 50,
      BREAKER_VOLUME_THRESHOLD: 5,
      BREAKER_RESET_MS: 10_000,
    });
  });
});

describe('gateway start', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'router-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A supergraph of one subgraph this repository does not have, routed by its composition to `url`. */
  async function inventorySupergraph(url: string): Promise<string> {
    const composed = composeServices([
      {
        name: 'inventory',
        url,
        typeDefs: parse(
          'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n' +
            'type Query { stock(sku: String!): Int }',
        ),
      },
    ]);
    if (composed.errors) throw new Error(composed.errors.join('\n'));
    const path = join(dir, `inventory-${randomUUID()}.graphql`);
    await writeFile(path, composed.supergraphSdl);
    return path;
  }

  it('routes a subgraph it has no setting for to the URL its supergraph names', async () => {
    const inventory = await startProbe(() => ({ json: { data: { stock: 7 } } }));
    const gateway = await startGateway({ SUPERGRAPH_PATH: await inventorySupergraph(inventory.url) });
    try {
      const response = await graphql(gateway.url, '{ stock(sku: "a-1") }');

      expect(response.body).toEqual({ data: { stock: 7 } });
      expect(inventory.hits.filter((hit) => hit.url === '/graphql')).toHaveLength(1);
    } finally {
      await gateway.close();
      await inventory.close();
    }
  });

  it('routes to SUBGRAPH_<NAME>_URL instead of the supergraph URL', async () => {
    const inventory = await startProbe(() => ({ json: { data: { stock: 3 } } }));
    const gateway = await startGateway({
      SUPERGRAPH_PATH: await inventorySupergraph('http://127.0.0.1:9/unused'),
      SUBGRAPH_INVENTORY_URL: inventory.url,
    });
    try {
      expect((await graphql(gateway.url, '{ stock(sku: "a-1") }')).body).toEqual({ data: { stock: 3 } });
    } finally {
      await gateway.close();
      await inventory.close();
    }
  });

  it('refuses to start with a SUBGRAPH_<NAME>_* variable that matches no subgraph, naming it', async () => {
    const path = await inventorySupergraph('http://127.0.0.1:9/graphql');
    const router = buildRouter(
      loadEnv({ ...testSecrets(), SUPERGRAPH_PATH: path, SUBGRAPH_INVENTRY_URL: 'http://inventory/graphql' }),
      logger,
    );

    await expect(router.start()).rejects.toThrow(
      /SUBGRAPH_INVENTRY_URL matches no subgraph .*inventory → SUBGRAPH_INVENTORY_\*/,
    );
  });

  it('fails with a clear error when the supergraph file does not exist', async () => {
    const path = join(dir, 'missing.graphql');
    const router = buildRouter(loadEnv({ ...testSecrets(), SUPERGRAPH_PATH: path }), logger);

    await expect(router.start()).rejects.toThrow(/Cannot read the supergraph .*npm run schema:compose/s);
  });

  it('refuses to hand out its HTTP app before it has started', () => {
    const router = buildRouter(loadEnv(testSecrets()), logger);

    expect(() => router.app).toThrow(/await router.start\(\)/);
  });
});

describe('gateway over HTTP', () => {
  let probe: Probe;
  let gateway: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    probe = await startProbe(emptyAnswer);
    // Both subgraphs point at the probe: whatever the gateway sends to any subgraph is recorded.
    gateway = await startGateway({
      SUBGRAPH_USERS_URL: probe.url,
      SUBGRAPH_ORDERS_URL: probe.url,
      SUBGRAPH_CATALOG_URL: probe.url,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await probe?.close();
  });
  beforeEach(() => {
    probe.hits.length = 0;
  });

  it('answers /health/live and, once started, /health/ready', async () => {
    const live = await fetch(`${gateway.base}/health/live`);
    const ready = await fetch(`${gateway.base}/health/ready`);

    expect(live.status).toBe(200);
    expect(ready.status).toBe(200);
    // Every subgraph points at the probe, which answers 200 on every path, `/health/ready` included.
    expect(await ready.json()).toEqual({
      status: 'ready',
      subgraphs: { users: 'up', orders: 'up', catalog: 'up' },
    });
  });

  it.each([
    ['garbage', 'Bearer not-a-jwt', /not valid/],
    ['malformed header', 'Token abc', /must be "Bearer <token>"/],
    ['empty bearer', 'Bearer ', /must be "Bearer <token>"/],
  ])(
    'rejects a %s Authorization header with 401 UNAUTHENTICATED before any subgraph is called',
    async (_, header, message) => {
      const response = await graphql(gateway.url, '{ me { id } }', {}, { authorization: header });

      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(response.body.errors?.[0]?.message).toMatch(message);
      expect(response.body.data).toBeUndefined();
      expect(probe.hits).toHaveLength(0);
    },
  );

  it('rejects a token signed with another secret with 401 before any subgraph is called', async () => {
    const forged = await accessToken({ userId: randomUUID(), role: 'ADMIN' }, testSecrets().JWT_SECRET);

    const response = await graphql(gateway.url, '{ me { id } }', {}, bearer(forged));

    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(response.body.errors?.[0]?.message).toMatch(/log in again/);
    expect(probe.hits).toHaveLength(0);
  });

  it('rejects an expired token with 401 and tells the caller to log in again', async () => {
    const expired = await accessToken(
      { userId: randomUUID(), role: 'CUSTOMER' },
      gateway.secrets.JWT_SECRET,
      -60,
    );

    const response = await graphql(gateway.url, '{ me { id } }', {}, bearer(expired));

    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(response.body.errors?.[0]?.message).toMatch(/session has expired/);
    expect(probe.hits).toHaveLength(0);
  });

  it('echoes the x-request-id the client sent', async () => {
    const response = await graphql(gateway.url, '{ __typename }', {}, { 'x-request-id': 'client-req-42' });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-req-42');
  });

  it('sends subgraphs a signed identity matching the bearer token, the request id, and not the token itself', async () => {
    const identity = { userId: randomUUID(), role: 'CUSTOMER' } as const;
    const token = await accessToken(identity, gateway.secrets.JWT_SECRET);

    const response = await graphql(
      gateway.url,
      '{ me { id } }',
      {},
      { ...bearer(token), 'x-request-id': 'req-me-1' },
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { me: null } });
    expect(probe.hits).toHaveLength(1);
    const [hit] = probe.hits;
    const signed = hit!.headers[INTERNAL_TOKEN_HEADER];
    expect(await verifyInternalToken(String(signed), gateway.secrets.INTERNAL_SECRET)).toEqual(identity);
    expect(hit!.headers['x-request-id']).toBe('req-me-1');
    expect(hit!.headers.authorization).toBeUndefined();
    expect(hit!.body.query).toContain('me');
  });

  it('signs an anonymous identity for a caller without an Authorization header', async () => {
    const response = await graphql(gateway.url, '{ me { id } }');

    expect(response.body).toEqual({ data: { me: null } });
    expect(probe.hits).toHaveLength(1);
    const signed = probe.hits[0]!.headers[INTERNAL_TOKEN_HEADER];
    expect(await verifyInternalToken(String(signed), gateway.secrets.INTERNAL_SECRET)).toBeNull();
  });

  it('sends the same signed token to every subgraph a request fans out to', async () => {
    const token = await accessToken({ userId: randomUUID(), role: 'ADMIN' }, gateway.secrets.JWT_SECRET);

    const response = await graphql(
      gateway.url,
      '{ me { id } orders { edges { cursor } } }',
      {},
      bearer(token),
    );

    expect(response.body.errors).toBeUndefined();
    expect(probe.hits).toHaveLength(2);
    const [first, second] = probe.hits.map((hit) => hit.headers[INTERNAL_TOKEN_HEADER]);
    expect(first).toBeDefined();
    expect(second).toBe(first);
  });
});

describe('request scope', () => {
  it('parses and verifies a request’s token once, however many steps ask for its caller', async () => {
    const secrets = testSecrets();
    let verified = 0;
    const verify = createAccessTokenVerifier(secrets.JWT_SECRET);
    const scopes = createRequestScopes((token) => {
      verified += 1;
      return verify(token);
    });
    const userId = randomUUID();
    const req = { headers: bearer(await accessToken({ userId, role: 'CUSTOMER' }, secrets.JWT_SECRET)) };
    const other = { headers: bearer(await accessToken({ userId, role: 'CUSTOMER' }, secrets.JWT_SECRET)) };
    const broken = { headers: { authorization: 'Token abc' } };

    const callers = await Promise.all([req, req, req, other].map((r) => scopes.callerOf(r as never)));

    expect(callers.map((caller) => caller?.userId)).toEqual([userId, userId, userId, userId]);
    expect(verified).toBe(2);
    await expect(scopes.callerOf(broken as never)).rejects.toThrow(/must be "Bearer <token>"/);
    await expect(scopes.callerOf(broken as never)).rejects.toThrow(/must be "Bearer <token>"/);
    expect(verified).toBe(2);
  });
});

describe('request context', () => {
  it('signs the internal token once per request, however many subgraph fetches ask for it', async () => {
    const secrets = testSecrets();
    const build = createContextBuilder({
      scopes: createRequestScopes(createAccessTokenVerifier(secrets.JWT_SECRET)),
      signInternalToken: createInternalTokenSigner(secrets.INTERNAL_SECRET),
      requestTimeoutMs: 1_000,
    });
    const req = { headers: {} } as Parameters<typeof build>[0];
    const res = Object.assign(new EventEmitter(), { locals: {} }) as unknown as Parameters<typeof build>[1];

    const context = await build(req, res, { requestId: 'r1', logger });

    expect(context.identity).toBeNull();
    expect(context.internalToken()).toBe(context.internalToken());
  });
});

describe('subgraph HTTP errors', () => {
  let answer: ProbeAnswer;
  let probe: Probe;
  let gateway: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    probe = await startProbe(() => answer);
    gateway = await startGateway({
      SUBGRAPH_USERS_URL: probe.url,
      SUBGRAPH_ORDERS_URL: probe.url,
      SUBGRAPH_CATALOG_URL: probe.url,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await probe?.close();
  });

  it('passes on a field error a subgraph sent with an HTTP error status, without its URL or raw body', async () => {
    // Apollo Server answers 401 when a resolver throws `unauthenticated()`.
    answer = {
      status: 401,
      json: {
        errors: [
          {
            message: 'You must be logged in to do this.',
            path: ['me'],
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
        data: null,
      },
    };

    const response = await graphql(gateway.url, '{ me { id } }');

    expect(response.status).toBe(200);
    expect(response.body.errors).toEqual([
      { message: 'You must be logged in to do this.', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(JSON.stringify(response.body)).not.toContain(probe.url);
  });

  it('turns a subgraph refusing the gateway itself into a generic internal error', async () => {
    answer = {
      status: 401,
      json: {
        errors: [
          {
            message: 'This service only accepts requests from the gateway.',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      },
    };

    const response = await graphql(gateway.url, '{ me { id } }');

    expect(response.body.errors).toEqual([
      { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });
});

describe('subgraph timeout', () => {
  it('fails a request whose subgraph does not answer within SUBGRAPH_TIMEOUT_MS, after one retry, without hanging', async () => {
    const probe = await startProbe(() => 'hang');
    const gateway = await startGateway({
      SUBGRAPH_USERS_URL: probe.url,
      SUBGRAPH_ORDERS_URL: probe.url,
      SUBGRAPH_TIMEOUT_MS: '200',
    });
    try {
      const started = Date.now();
      const response = await graphql(gateway.url, '{ me { id } }');

      expect(Date.now() - started).toBeLessThan(5_000);
      expect(probe.hits).toHaveLength(2);
      expect(response.body).toEqual({
        data: { me: null },
        errors: [
          {
            message: 'The users service is unavailable; try again shortly.',
            path: ['me'],
            extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'users' },
          },
        ],
      });
    } finally {
      await gateway.close();
      await probe.close();
    }
  });
});
