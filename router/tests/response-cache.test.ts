import { createHash, randomUUID } from 'node:crypto';
import { signAccessToken, type Identity } from '@supergraph/service-kit/auth';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { parsePrometheus, seriesValue, testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { buildRouter } from '../src/server.ts';
import { startProbe, type Probe, type ProbeAnswer, type ProbeHit } from './probe.ts';

/**
 * The response cache's front (a hit answered before Apollo runs) against subgraph stand-ins that send cache
 * hints: what it answers, and every request it must leave to Apollo. e2e/tests/response-cache.test.ts covers
 * the same cache on the real subgraphs and Redis.
 */
const logger = createLogger('gateway', 'silent');
const grace: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
const alan: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
const ME = 'query Me { me { name } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A users/orders stand-in: `me` with a PRIVATE 30 s hint, `cancelOrder` (a mutation), and `uncached` answers. */
function answer({ body }: ProbeHit): ProbeAnswer {
  const query = body.query ?? '';
  if (query.includes('cancelOrder')) return { json: { data: { cancelOrder: { status: 'CANCELLED' } } } };
  if (query.includes('me')) {
    return {
      json: { data: { me: { name: 'Probe User' } } },
      headers: { 'cache-control': 'max-age=30, private' },
    };
  }
  return { json: { data: null } };
}

async function startGateway(vars: Record<string, string> = {}) {
  const secrets = testSecrets();
  const probe = await startProbe(answer);
  const env = loadEnv({
    ...secrets,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    SUBGRAPH_USERS_URL: probe.url,
    SUBGRAPH_ORDERS_URL: probe.url,
    RESPONSE_CACHE: 'memory',
    RATE_LIMIT_POINTS: '100000',
    // The cache is tested with free text (production would enforce trusted documents).
    TRUSTED_DOCUMENTS: 'off',
    ...vars,
  });
  const router = buildRouter(env, logger);
  await router.start();
  const http = await listen(router.app, 0, '127.0.0.1');
  const tokenOf = (identity: NonNullable<Identity>, ttlSeconds = 60) =>
    signAccessToken(identity, { secret: secrets.JWT_SECRET, ttlSeconds });
  /** POSTs `body` as JSON and returns the raw answer: the cache must give back exactly Apollo's bytes. */
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${http.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return {
    router,
    probe,
    url: `${http.url}/graphql`,
    post,
    tokenOf,
    bearer: async (identity: NonNullable<Identity>) => ({
      authorization: `Bearer ${await tokenOf(identity)}`,
    }),
    async close() {
      await http.close(0);
      await router.stop();
      await probe.close();
    },
  };
}

describe('response cache front', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let probe: Probe;
  beforeAll(async () => {
    gateway = await startGateway();
    probe = gateway.probe;
  });
  afterAll(async () => {
    await gateway?.close();
  });
  beforeEach(async () => {
    // Every test starts from an empty cache for its requests: a mutation starts a new generation.
    await gateway.post(
      { query: 'mutation { cancelOrder(id: "x") { status } }' },
      await gateway.bearer(grace),
    );
    probe.hits.length = 0;
  });

  it('answers a repeated query with the bytes and content type Apollo sent, without a subgraph fetch', async () => {
    const headers = await gateway.bearer(grace);
    const miss = await gateway.post({ query: ME }, headers);
    const hit = await gateway.post({ query: ME }, headers);

    expect(miss.status).toBe(200);
    expect(JSON.parse(miss.text)).toEqual({ data: { me: { name: 'Probe User' } } });
    expect(hit.status).toBe(200);
    expect(hit.text).toBe(miss.text);
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect(miss.headers.get('age')).toBeNull();
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    expect(probe.hits).toHaveLength(1);
  });

  it('negotiates the content type as Apollo does, and leaves what Apollo refuses to Apollo', async () => {
    const headers = { ...(await gateway.bearer(grace)), accept: 'application/graphql-response+json' };
    const miss = await gateway.post({ query: ME }, headers);
    const hit = await gateway.post({ query: ME }, headers);
    const refused = await gateway.post({ query: ME }, { ...headers, accept: 'text/html' });

    expect(miss.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect(hit.text).toBe(miss.text);
    expect(refused.status).toBe(406);
    // The miss, then the refused request: Apollo executes an operation before it negotiates the answer's type.
    expect(probe.hits).toHaveLength(2);
  });

  it('keeps answers per caller, variables and operation name', async () => {
    const query =
      'query Me($named: Boolean = true) { me { name @include(if: $named) } } query Other { me { name } }';
    const graceHeaders = await gateway.bearer(grace);
    await gateway.post({ query, operationName: 'Me', variables: { named: true } }, graceHeaders);
    await gateway.post({ query, operationName: 'Me', variables: { named: true } }, graceHeaders); // hit
    await gateway.post({ query, operationName: 'Me', variables: {} }, graceHeaders);
    await gateway.post({ query, operationName: 'Other' }, graceHeaders);
    await gateway.post(
      { query, operationName: 'Me', variables: { named: true } },
      await gateway.bearer(alan),
    );

    expect(probe.hits).toHaveLength(4);
  });

  it('never answers a caller whose token is not valid from the cache, even with its owner’s answer cached', async () => {
    const token = await gateway.tokenOf(grace);
    await gateway.post({ query: ME }, { authorization: `Bearer ${token}` });
    await gateway.post({ query: ME }, { authorization: `Bearer ${token}` }); // cached for grace

    const tampered = await gateway.post({ query: ME }, { authorization: `Bearer ${token}x` });
    const expired = await gateway.post(
      { query: ME },
      { authorization: `Bearer ${await gateway.tokenOf(grace, -60)}` },
    );
    await gateway.post({ query: ME }); // anonymous: a caller of its own

    for (const refused of [tampered, expired]) {
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({
        errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
    // Grace's first read, then the anonymous one; the refused ones reached no subgraph.
    expect(probe.hits).toHaveLength(2);
  });

  it('does not store a PRIVATE answer for anonymous callers, who all share one key', async () => {
    await gateway.post({ query: ME });
    await gateway.post({ query: ME });

    expect(probe.hits).toHaveLength(2);
  });

  it('answers a hash-only persisted query from the answer its full text stored', async () => {
    const headers = await gateway.bearer(grace);
    const persistedQuery = { version: 1, sha256Hash: sha256(ME) };
    const full = await gateway.post({ query: ME, extensions: { persistedQuery } }, headers);
    const hashOnly = await gateway.post({ extensions: { persistedQuery } }, headers);

    expect(hashOnly.status).toBe(200);
    expect(hashOnly.text).toBe(full.text);
    expect(probe.hits).toHaveLength(1);
  });

  it('leaves a persisted-query hash that does not match its query to Apollo, which refuses it', async () => {
    const headers = await gateway.bearer(grace);
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: ME }, headers); // cached

    const mismatch = await gateway.post(
      { query: ME, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } },
      headers,
    );

    expect(mismatch.status).toBe(400);
    expect(JSON.parse(mismatch.text)).toMatchObject({
      errors: [{ message: 'provided sha does not match query' }],
    });
  });

  it.each([
    ['extensions that are not an object', { extensions: 'apq' }],
    [
      'a persisted query of another version',
      { extensions: { persistedQuery: { version: 2, sha256Hash: sha256(ME) } } },
    ],
    ['a persisted query without its hash', { extensions: { persistedQuery: { version: 1 } } }],
  ])('leaves %s to Apollo, which refuses it, even with the query cached', async (_shape, extra) => {
    const headers = await gateway.bearer(grace);
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: ME }, headers); // cached

    const odd = await gateway.post({ query: ME, ...extra }, headers);

    expect(odd.status).toBe(400);
    expect(JSON.parse(odd.text)).toMatchObject({ errors: [{ extensions: { code: expect.any(String) } }] });
  });

  it('leaves GET requests to Apollo', async () => {
    const headers = { ...(await gateway.bearer(grace)), 'apollo-require-preflight': 'true' };
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: ME }, headers); // cached
    const url = `${gateway.url}?query=${encodeURIComponent(ME)}`;

    const viaGet = await fetch(url, { headers });

    expect(viaGet.status).toBe(200);
    expect(await viaGet.json()).toEqual({ data: { me: { name: 'Probe User' } } });
    expect(probe.hits).toHaveLength(2);
  });

  it('starts over after any mutation: the next read fetches again', async () => {
    const headers = await gateway.bearer(grace);
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: 'mutation { cancelOrder(id: "x") { status } }' }, await gateway.bearer(alan));
    await gateway.post({ query: ME }, headers);

    // me, cancelOrder, me again.
    expect(probe.hits.map((hit) => hit.body.query?.includes('cancelOrder'))).toEqual([false, true, false]);
  });

  it('counts lookups in Prometheus by result, and in responseCacheStats', async () => {
    const before = { ...gateway.router.responseCacheStats! };
    const headers = await gateway.bearer(grace);
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: ME }, headers);
    await gateway.post({ query: ME }, headers);

    expect(gateway.router.responseCacheStats).toEqual({
      hit: before.hit + 2,
      miss: before.miss + 1,
      bypass: before.bypass,
    });
    const samples = parsePrometheus(await gateway.router.metrics.registry.metrics());
    expect(seriesValue(samples, 'response_cache_lookups_total', { service: 'gateway', result: 'hit' })).toBe(
      before.hit + 2,
    );
    expect(seriesValue(samples, 'response_cache_lookups_total', { service: 'gateway', result: 'miss' })).toBe(
      before.miss + 1,
    );
  });
});

describe('response cache and the rate limit', () => {
  it('counts a cached answer against the caller’s budget like any other request', async () => {
    const gateway = await startGateway({ RATE_LIMIT_POINTS: '3' });
    try {
      const headers = await gateway.bearer(grace);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push((await gateway.post({ query: ME }, headers)).status);
      }

      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(gateway.probe.hits).toHaveLength(1);
    } finally {
      await gateway.close();
    }
  });
});
