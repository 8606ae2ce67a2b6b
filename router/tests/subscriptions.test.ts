import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INTERNAL_TOKEN_HEADER,
  signAccessToken,
  tokenExpiry,
  type Identity,
} from '@supergraph/service-kit/auth';
import { listen, type RunningServer } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { eventually, graphql, parsePrometheus, seriesValue, testSecrets } from '@supergraph/testing';
import {
  subscribeSse,
  subscribeWs,
  wsClient,
  wsUrlOf,
  type SubscriptionProbe,
} from '@supergraph/testing/subscriptions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadEnv } from '../src/env.ts';
import { installResultShaping } from '../src/result-shaping/install.ts';
import { buildRouter, type Router } from '../src/server.ts';
import { LIVE_SDL, serveLiveSubgraphs, type LiveSubgraphs } from './live-subgraphs.ts';

/**
 * Subscriptions through the gateway against two real subgraphs of our own (live-subgraphs.ts): `live` serves
 * graphql-ws, `people` resolves each event's owner. Real sockets, real clients (graphql-ws, graphql-sse).
 */
const logger = createLogger('gateway', 'silent');
const secrets = testSecrets();
let subgraphs: LiveSubgraphs;
let router: Router;
let http: RunningServer;
let url: string;
const clients: { dispose(): void | Promise<void> }[] = [];
const probes: SubscriptionProbe[] = [];

const ada: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
const alan: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
const tokenOf = (identity: NonNullable<Identity>, ttlSeconds = 3_600) =>
  signAccessToken(identity, { secret: secrets.JWT_SECRET, ttlSeconds });

const ORDER_UPDATED =
  'subscription OrderUpdated($id: ID!) { orderUpdated(id: $id) { id status owner { name } } }';
const MINE = 'subscription Mine { myOrderUpdates { id status owner { name } } }';

const client = (token: string | undefined, options: Parameters<typeof wsClient>[2] = {}) => {
  const made = wsClient(url, token, options);
  clients.push(made);
  return made;
};
const held = (probe: SubscriptionProbe) => (probes.push(probe), probe);

async function startGateway(extra: Record<string, string> = {}) {
  router = buildRouter(
    loadEnv({
      ...secrets,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SUPERGRAPH_PATH: subgraphs.path,
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
      MAX_SUBSCRIPTIONS_PER_USER: '4',
      ...extra,
    }),
    logger,
  );
  await router.start();
  http = await listen(router.app, 0, '127.0.0.1');
  router.attach(http.server);
  url = `${http.url}/graphql`;
}

beforeAll(async () => {
  subgraphs = await serveLiveSubgraphs('subscriptions', secrets.INTERNAL_SECRET);
  subgraphs.names.set(ada.userId, 'Ada Lovelace');
  subgraphs.names.set(alan.userId, 'Alan Turing');
  installResultShaping('lean', logger);
  await startGateway();
});

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.stop();
  for (const made of clients.splice(0)) await made.dispose();
  await eventually(() => expect(router.subscriptions.active).toBe(0));
});

afterAll(async () => {
  await router?.drainSubscriptions();
  await http?.close(0);
  await router?.stop();
  await subgraphs?.stop();
});

/** Publishes until the subgraph has `count` subscriptions listening (the subscribe is asynchronous). */
const listening = (count: number) => eventually(() => expect(subgraphs.listeners).toBe(count));

describe('subscriptions over graphql-ws', () => {
  it("delivers each event with the other subgraph's fields resolved, to the owner only", async () => {
    const orderId = randomUUID();
    const mine = held(
      subscribeWs(client(await tokenOf(ada)), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    const theirs = held(subscribeWs(client(await tokenOf(alan)), { query: MINE }));
    await listening(2);
    subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
    subgraphs.publish({ id: orderId, status: 'SHIPPED', ownerId: ada.userId });
    expect(await mine.next()).toEqual({
      data: { orderUpdated: { id: orderId, status: 'PAID', owner: { name: 'Ada Lovelace' } } },
    });
    expect(await mine.next()).toEqual({
      data: { orderUpdated: { id: orderId, status: 'SHIPPED', owner: { name: 'Ada Lovelace' } } },
    });
    // Alan's own update arrives; Ada's two never reached him.
    subgraphs.publish({ id: randomUUID(), status: 'PAID', ownerId: alan.userId });
    const his = await theirs.next();
    expect(his.data).toMatchObject({ myOrderUpdates: { status: 'PAID', owner: { name: 'Alan Turing' } } });
    expect(theirs.results).toHaveLength(1);
    // The subgraph saw the gateway's signed identity and the request id in connection_init.
    expect(subgraphs.accepted.at(-1)).toEqual({
      'x-internal-token': expect.any(String),
      'x-request-id': expect.any(String),
    });
  });

  it('counts active subscriptions, events and delivery latency by operation', async () => {
    const orderId = randomUUID();
    const probe = held(
      subscribeWs(client(await tokenOf(ada)), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    await listening(1);
    subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
    await probe.next();
    const samples = parsePrometheus(await router.metrics.registry.metrics());
    expect(
      seriesValue(samples, 'graphql_subscriptions_active', {
        service: 'gateway',
        operation: 'OrderUpdated',
        transport: 'ws',
      }),
    ).toBe(1);
    expect(
      seriesValue(samples, 'graphql_subscription_events_total', {
        service: 'gateway',
        operation: 'OrderUpdated',
      }),
    ).toBeGreaterThan(0);
    expect(
      seriesValue(samples, 'graphql_subscription_delivery_seconds_count', {
        service: 'gateway',
        operation: 'OrderUpdated',
      }),
    ).toBeGreaterThan(0);
  });

  it('refuses an anonymous subscribe with UNAUTHENTICATED, and still answers its queries', async () => {
    const anonymous = client(undefined);
    const probe = held(subscribeWs(anonymous, { query: MINE }));
    const ending = await probe.ended;
    expect(ending).toMatchObject({ kind: 'error', errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const query = held(subscribeWs(anonymous, { query: '{ __typename }' }));
    expect(await query.next()).toEqual({ data: { __typename: 'Query' } });
    expect(await query.ended).toEqual({ kind: 'complete' });
  });

  it('closes a connection whose token is not valid with 4403', async () => {
    const forged = client('not-a-token');
    const probe = held(subscribeWs(forged, { query: MINE }));
    expect(await probe.ended).toEqual({ kind: 'error', code: 4403 });
  });

  it('refuses more subscriptions than a connection, then a user, may hold with TOO_MANY_SUBSCRIPTIONS', async () => {
    const token = await tokenOf(ada);
    const one = client(token);
    for (let i = 0; i < 3; i++) held(subscribeWs(one, { query: MINE }));
    await listening(3);
    const fourth = held(subscribeWs(one, { query: MINE }));
    expect(await fourth.ended).toMatchObject({
      kind: 'error',
      errors: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'connection', limit: 3 } }],
    });
    const other = client(token);
    held(subscribeWs(other, { query: MINE }));
    await listening(4);
    const fifth = held(subscribeWs(other, { query: MINE }));
    expect(await fifth.ended).toMatchObject({
      kind: 'error',
      errors: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'user', limit: 4 } }],
    });
  });

  it('refuses a user more connections than MAX_SUBSCRIPTIONS_PER_USER with close 1013, and accepts one again once one closed', async () => {
    const token = await tokenOf(alan);
    // Each connection held open by one subscription (MAX_SUBSCRIPTIONS_PER_USER is 4 here).
    const open = Array.from({ length: 4 }, () => client(token));
    for (const ws of open) held(subscribeWs(ws, { query: MINE }));
    await listening(4);
    const fifth = client(token);
    expect(await held(subscribeWs(fifth, { query: '{ __typename }' })).ended).toEqual({
      kind: 'error',
      code: 1013,
    });
    await open[0]!.dispose();
    const again = client(token);
    await eventually(async () =>
      expect(await held(subscribeWs(again, { query: '{ __typename }' })).next()).toEqual({
        data: { __typename: 'Query' },
      }),
    );
  });

  it("applies the query path's checks: validation and the alias limit refuse before any subgraph is asked", async () => {
    const ws = client(await tokenOf(ada));
    const invalid = held(subscribeWs(ws, { query: 'subscription { myOrderUpdates { nope } }' }));
    expect(await invalid.ended).toMatchObject({
      kind: 'error',
      errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ');
    const tooManyAliases = held(subscribeWs(ws, { query: `subscription { myOrderUpdates { ${aliases} } }` }));
    expect(await tooManyAliases.ended).toMatchObject({
      kind: 'error',
      errors: [{ extensions: { code: 'ALIAS_LIMIT_EXCEEDED' } }],
    });
    expect(subgraphs.listeners).toBe(0);
  });

  it('gives an event partial data when an entity fetch fails, and keeps the subscription', async () => {
    const orderId = randomUUID();
    const probe = held(
      subscribeWs(client(await tokenOf(ada)), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    await listening(1);
    await subgraphs.stopPeople();
    try {
      subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
      const partial = await probe.next(20_000);
      expect(partial.data).toBeNull(); // owner is non-null, so its error nulls the order, then the root
      expect(partial.errors?.[0]?.extensions?.['code']).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      await subgraphs.startPeople();
    }
    subgraphs.publish({ id: orderId, status: 'SHIPPED', ownerId: ada.userId });
    const whole = await eventually(
      async () => {
        const next = await probe.next(20_000);
        if (!next.data) throw new Error('people still unavailable');
        return next;
      },
      { timeoutMs: 30_000 },
    ).catch(() => undefined);
    // The breaker may hold people closed for a moment; the subscription itself is still running.
    expect(router.subscriptions.active).toBe(1);
    if (whole) expect(whole.data).toMatchObject({ orderUpdated: { status: 'SHIPPED' } });
  });

  it('ends the subscription with SUBSCRIPTION_INTERRUPTED when the subgraph drops it, and a new one works', async () => {
    const orderId = randomUUID();
    const probe = held(
      subscribeWs(client(await tokenOf(ada)), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    await listening(1);
    await subgraphs.crashLive();
    await subgraphs.restartLive();
    await probe.ended;
    expect(probe.results.at(-1)).toMatchObject({
      errors: [{ extensions: { code: 'SUBSCRIPTION_INTERRUPTED' } }],
    });
    expect(await probe.ended).toEqual({ kind: 'complete' });
    const again = held(
      subscribeWs(client(await tokenOf(ada)), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    await listening(1);
    subgraphs.publish({ id: orderId, status: 'SHIPPED', ownerId: ada.userId });
    expect((await again.next()).data).toMatchObject({ orderUpdated: { status: 'SHIPPED' } });
  });

  it('ends a subscription whose events come faster than they resolve with SUBSCRIPTION_INTERRUPTED, instead of holding them', async () => {
    const orderId = randomUUID();
    const probe = held(
      subscribeWs(client(await tokenOf(ada)), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    await listening(1);
    const release = subgraphs.holdPeople();
    try {
      // The first event waits for people; the gateway holds at most 1,000 behind it.
      for (let i = 0; i <= 1_000; i++)
        subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
      expect(await probe.ended).toEqual({ kind: 'complete' });
    } finally {
      release();
    }
    expect(probe.results).toEqual([
      { errors: [{ message: expect.any(String), extensions: { code: 'SUBSCRIPTION_INTERRUPTED' } }] },
    ]);
  });

  it("signs the subgraph stream until the client's access token expires (plus 30 s), not for a request's minute", async () => {
    const token = await tokenOf(ada, 7_200);
    held(subscribeWs(client(token), { query: MINE }));
    await listening(1);
    const upstream = subgraphs.accepted.at(-1)?.[INTERNAL_TOKEN_HEADER];
    expect(typeof upstream).toBe('string');
    // The grace lets the gateway end the client's subscription first, with its own 4419.
    expect(tokenExpiry(upstream as string)).toBe(tokenExpiry(token)! + 30_000);
  });

  it('closes the connection with 4419 when its access token expires', async () => {
    const probe = held(subscribeWs(client(await tokenOf(ada, 2)), { query: MINE }));
    await listening(1);
    const ending = await probe.ended;
    expect(ending).toEqual({ kind: 'error', code: 4419 });
  });

  it('closes a socket that sends no connection_init within 10 s (4408)', async () => {
    const socket = new WebSocket(wsUrlOf(url), 'graphql-transport-ws');
    const started = Date.now();
    const [code] = await new Promise<[number]>((resolve) =>
      socket.once('close', (closeCode) => resolve([closeCode])),
    );
    const waited = Date.now() - started;
    console.info(`a silent socket was closed ${code} after ${waited} ms`);
    expect(code).toBe(4408);
    expect(waited).toBeLessThan(15_000);
  }, 20_000);

  it('refuses a subscription sent as a plain HTTP POST with SUBSCRIPTION_TRANSPORT_REQUIRED', async () => {
    const response = await graphql(url, MINE, {}, { authorization: `Bearer ${await tokenOf(ada)}` });
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('SUBSCRIPTION_TRANSPORT_REQUIRED');
    expect(subgraphs.listeners).toBe(0);
  });
});

describe('trusted documents (TRUSTED_DOCUMENTS=enforce)', () => {
  it('runs a manifest subscription by id over both transports and refuses free text', async () => {
    const body = ORDER_UPDATED;
    const id = createHash('sha256').update(body).digest('hex');
    const dir = await mkdtemp(join(tmpdir(), 'subscriptions-trusted-'));
    const manifest = join(dir, 'manifest.json');
    await writeFile(
      manifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id, name: 'OrderUpdated', type: 'subscription', body }],
      }),
    );
    const enforcing = buildRouter(
      loadEnv({
        ...secrets,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SUPERGRAPH_PATH: subgraphs.path,
        TRUSTED_DOCUMENTS: 'enforce',
        TRUSTED_DOCUMENTS_MANIFEST: manifest,
      }),
      logger,
    );
    await enforcing.start();
    const server = await listen(enforcing.app, 0, '127.0.0.1');
    enforcing.attach(server.server);
    const enforcingUrl = `${server.url}/graphql`;
    try {
      const token = await tokenOf(ada);
      const orderId = randomUUID();
      const byId = { persistedQuery: { version: 1, sha256Hash: id } };
      const overWs = wsClient(enforcingUrl, token);
      clients.push(overWs);
      const wsProbe = held(subscribeWs(overWs, { query: '', variables: { id: orderId }, extensions: byId }));
      const sseProbe = held(
        subscribeSse(enforcingUrl, token, { query: '', variables: { id: orderId }, extensions: byId }),
      );
      await listening(2);
      subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
      const expected = {
        data: { orderUpdated: { id: orderId, status: 'PAID', owner: { name: 'Ada Lovelace' } } },
      };
      expect(await wsProbe.next()).toEqual(expected);
      expect(await sseProbe.next()).toEqual(expected);
      const freeText = held(subscribeWs(overWs, { query: MINE }));
      expect(await freeText.ended).toMatchObject({
        kind: 'error',
        errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }],
      });
      for (const probe of probes.splice(0)) probe.stop();
      await eventually(() => expect(enforcing.subscriptions.active).toBe(0));
    } finally {
      await enforcing.drainSubscriptions();
      await server.close(0);
      await enforcing.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the rate limit', () => {
  it('counts every connection and every operation a WebSocket carries, and refuses those over the budget', async () => {
    const limited = buildRouter(
      loadEnv({
        ...secrets,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SUPERGRAPH_PATH: subgraphs.path,
        RATE_LIMIT_POINTS: '3',
        RATE_LIMIT_WINDOW_SECONDS: '60',
      }),
      logger,
    );
    await limited.start();
    const server = await listen(limited.app, 0, '127.0.0.1');
    limited.attach(server.server);
    try {
      const ws = wsClient(`${server.url}/graphql`, await tokenOf(alan));
      clients.push(ws);
      // The connection is one request, the subscription that keeps it open another, the query a third.
      held(subscribeWs(ws, { query: MINE }));
      const query = held(subscribeWs(ws, { query: '{ __typename }' }));
      expect(await query.next()).toEqual({ data: { __typename: 'Query' } });
      const third = held(subscribeWs(ws, { query: '{ __typename }' }));
      expect(await third.ended).toEqual({
        kind: 'error',
        errors: [
          {
            message: expect.stringMatching(/^Too many requests: retry after \d+ seconds\.$/),
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
          },
        ],
      });
      // The same budget as HTTP: the caller's next POST is refused, and so is a new connection (1013, retryable).
      const post = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(alan)}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(post.status).toBe(429);
      const another = wsClient(`${server.url}/graphql`, await tokenOf(alan));
      clients.push(another);
      expect(await held(subscribeWs(another, { query: '{ __typename }' })).ended).toEqual({
        kind: 'error',
        code: 1013,
      });
    } finally {
      for (const probe of probes.splice(0)) probe.stop();
      await eventually(() => expect(limited.subscriptions.active).toBe(0));
      await limited.drainSubscriptions();
      await server.close(0);
      await limited.stop();
    }
  });
});

describe('subscriptions over SSE', () => {
  it("streams each event with the other subgraph's fields resolved", async () => {
    const orderId = randomUUID();
    const probe = held(
      subscribeSse(url, await tokenOf(ada), { query: ORDER_UPDATED, variables: { id: orderId } }),
    );
    await listening(1);
    subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
    expect(await probe.next()).toEqual({
      data: { orderUpdated: { id: orderId, status: 'PAID', owner: { name: 'Ada Lovelace' } } },
    });
  });

  it('answers an anonymous subscribe with UNAUTHENTICATED and a bad token with HTTP 401', async () => {
    const anonymous = held(subscribeSse(url, undefined, { query: MINE }));
    expect(await anonymous.next()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await anonymous.ended).toEqual({ kind: 'complete' });
    const forged = held(subscribeSse(url, 'forged', { query: MINE }));
    expect(await forged.ended).toMatchObject({ kind: 'error', code: 401 });
  });

  it('ends the subscription of a client that stops reading (SUBSCRIPTION_INTERRUPTED) instead of queueing its events', async () => {
    const reader: NonNullable<Identity> = { userId: randomUUID(), role: 'CUSTOMER' };
    // Large events fill the socket's buffers after a few hundred.
    subgraphs.names.set(reader.userId, 'N'.repeat(20_000));
    const orderId = randomUUID();
    const request = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${await tokenOf(reader)}`,
      },
    });
    const stalled = new Promise<void>((resolve, reject) => {
      request.once('response', (response) => {
        response.pause(); // a client that reads nothing
        resolve();
      });
      request.once('error', reject);
    });
    request.end(JSON.stringify({ query: ORDER_UPDATED, variables: { id: orderId } }));
    try {
      await stalled;
      await listening(1);
      const before = router.subscriptions.active;
      // Batches the gateway resolves before the next (so its own 1,000-behind limit is not what ends it): the
      // events pile up only because nobody reads them.
      let published = 0;
      while (router.subscriptions.active === before && published < 6_000) {
        for (let i = 0; i < 200; i++)
          subgraphs.publish({ id: orderId, status: 'PAID', ownerId: reader.userId });
        published += 200;
        await new Promise((resolve) => setTimeout(resolve, 800));
      }
      expect(router.subscriptions.active).toBe(before - 1);
      expect(subgraphs.listeners).toBe(0);
    } finally {
      request.destroy();
      subgraphs.names.delete(reader.userId);
    }
  });

  it('ends the stream with ACCESS_TOKEN_EXPIRED when the token expires', async () => {
    const probe = held(subscribeSse(url, await tokenOf(ada, 2), { query: MINE }));
    await listening(1);
    expect(await probe.next(10_000)).toMatchObject({
      errors: [{ extensions: { code: 'ACCESS_TOKEN_EXPIRED' } }],
    });
    expect(await probe.ended).toEqual({ kind: 'complete' });
  });
});

describe('a supergraph reload', () => {
  it('keeps subscriptions whose plan still holds and ends the others with SUBSCRIPTION_SCHEMA_RELOAD', async () => {
    const orderId = randomUUID();
    const ws = client(await tokenOf(ada));
    const kept = held(subscribeWs(ws, { query: ORDER_UPDATED, variables: { id: orderId } }));
    const dropped = held(subscribeWs(ws, { query: MINE }));
    await listening(2);
    // myOrderUpdates leaves the graph: the operation no longer validates. orderUpdated is unchanged.
    await subgraphs.recompose(LIVE_SDL.replace('myOrderUpdates: Order!', ''));
    await dropped.ended;
    expect(dropped.results.at(-1)).toMatchObject({
      errors: [{ extensions: { code: 'SUBSCRIPTION_SCHEMA_RELOAD' } }],
    });
    subgraphs.publish({ id: orderId, status: 'PAID', ownerId: ada.userId });
    expect((await kept.next()).data).toMatchObject({
      orderUpdated: { status: 'PAID', owner: { name: 'Ada Lovelace' } },
    });
    await subgraphs.recompose(LIVE_SDL);
    await eventually(
      async () => {
        const probe = subscribeWs(ws, { query: MINE });
        try {
          await listening(2);
        } finally {
          probe.stop();
        }
      },
      { timeoutMs: 15_000 },
    );
  }, 30_000);
});

describe('shutdown', () => {
  it('closes every WebSocket with 1001 and ends every SSE stream with SHUTTING_DOWN', async () => {
    const ws = held(subscribeWs(client(await tokenOf(ada)), { query: MINE }));
    const sse = held(subscribeSse(url, await tokenOf(alan), { query: MINE }));
    await listening(2);
    await router.drainSubscriptions();
    expect(await ws.ended).toEqual({ kind: 'error', code: 1001 });
    expect(await sse.next()).toMatchObject({ errors: [{ extensions: { code: 'SHUTTING_DOWN' } }] });
    expect(await sse.ended).toEqual({ kind: 'complete' });
    await eventually(() => expect(subgraphs.listeners).toBe(0));
    // A new gateway for whatever runs after.
    await http.close(0);
    await router.stop();
    await startGateway();
  });
});
