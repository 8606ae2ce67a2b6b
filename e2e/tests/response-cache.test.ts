import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * The gateway's response cache in Redis: repeated reads are served without touching a subgraph, each caller
 * has their own entries, and no read after a mutation is ever stale.
 */
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomUUID()}`;
let stack: Stack;
let redis: Redis;
let grace: string;
let alan: string;
let ada: string;

const ORDER = 'query Order($id: ID!) { order(id: $id) { id status total { amount } } }';
const ALANS_ORDER = '10000000-0000-4000-8000-000000000004';
const GRACES_PENDING = '10000000-0000-4000-8000-000000000003';
const subgraphHits = () => stack.hits.users + stack.hits.orders;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  stack = await startStack('respcache', {
    gateway: { REDIS_URL, REDIS_KEY_PREFIX: prefix, RESPONSE_CACHE: 'redis', RATE_LIMIT_POINTS: '100000' },
  });
  [grace, alan, ada] = await Promise.all([
    stack.logIn('grace@example.com'),
    stack.logIn('alan@example.com'),
    stack.logIn('ada@example.com'),
  ]);
});
afterAll(async () => {
  await stack?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('response cache', () => {
  it('serves a repeated read from the cache without reaching a subgraph', async () => {
    const query = '{ me { name orders(first: 3) { edges { node { id total { amount } user { name } } } } } }';
    const first = await stack.query(query, {}, grace);
    const before = subgraphHits();
    const second = await stack.query(query, {}, grace);
    expect(second.body).toEqual(first.body);
    expect(subgraphHits()).toBe(before);
    expect(second.headers.get('age')).not.toBeNull();
    expect(stack.router.responseCacheStats).toMatchObject({ hit: expect.any(Number) });
    expect(stack.router.responseCacheStats!.hit).toBeGreaterThanOrEqual(1);
  });

  it('keeps private answers per caller: another user never gets them', async () => {
    const query = '{ me { name } }';
    expect((await stack.query(query, {}, grace)).body).toEqual({ data: { me: { name: 'Grace Hopper' } } });
    expect((await stack.query(query, {}, alan)).body).toEqual({ data: { me: { name: 'Alan Turing' } } });
    expect((await stack.query(query, {}, grace)).body).toEqual({ data: { me: { name: 'Grace Hopper' } } });
    expect((await stack.query(query)).body).toEqual({ data: { me: null } });
  });

  it("never shares an answer between callers, even one whose fields carry no PRIVATE hint (an admin's cursors)", async () => {
    const cursorsOnly = '{ users(first: 100) { edges { cursor } pageInfo { endCursor } } }';
    const asAdmin = await stack.query(cursorsOnly, {}, ada);
    expect(asAdmin.body.errors).toBeUndefined();
    expect((await stack.query(cursorsOnly, {}, ada)).body).toEqual(asAdmin.body); // cached for ada
    const asCustomer = await stack.query(cursorsOnly, {}, grace);
    expect(asCustomer.body.data).toBeNull();
    // Refused by the gateway's authorization (`users` needs the admin scope), never from ada's cache entry.
    expect(asCustomer.body.errors?.map((error) => error.extensions?.['code'])).toEqual([
      'UNAUTHORIZED_FIELD_OR_TYPE',
    ]);

    const ordersCursors = '{ orders(first: 100) { edges { cursor } } }';
    const graces = await stack.query(ordersCursors, {}, grace);
    const hitsBefore = subgraphHits();
    expect((await stack.query(ordersCursors, {}, grace)).body).toEqual(graces.body);
    expect(subgraphHits()).toBe(hitsBefore); // cached for grace
    const alans = await stack.query(ordersCursors, {}, alan);
    expect(subgraphHits()).toBeGreaterThan(hitsBefore); // not from grace's entry
    expect(alans.body).not.toEqual(graces.body);
  });

  it('never serves a cached order that cancelOrder changed, whoever cached it', async () => {
    // Both the owner and an admin have the PENDING order cached.
    for (const token of [alan, ada, alan, ada]) {
      expect((await stack.query(ORDER, { id: ALANS_ORDER }, token)).body.data).toMatchObject({
        order: { status: 'PENDING' },
      });
    }
    const hitsBefore = subgraphHits();
    await stack.query(ORDER, { id: ALANS_ORDER }, alan);
    expect(subgraphHits()).toBe(hitsBefore); // cached

    const cancelled = await stack.query(
      'mutation($id: ID!) { cancelOrder(id: $id) { status } }',
      { id: ALANS_ORDER },
      ada,
    );
    expect(cancelled.body).toEqual({ data: { cancelOrder: { status: 'CANCELLED' } } });

    expect((await stack.query(ORDER, { id: ALANS_ORDER }, alan)).body.data).toMatchObject({
      order: { status: 'CANCELLED' },
    });
    expect((await stack.query(ORDER, { id: ALANS_ORDER }, ada)).body.data).toMatchObject({
      order: { status: 'CANCELLED' },
    });
  });

  it('invalidates the connection that lists an order, too', async () => {
    const list = '{ orders(first: 10) { edges { node { id status } } } }';
    const before = await stack.query<{ orders: { edges: { node: { id: string; status: string } }[] } }>(
      list,
      {},
      grace,
    );
    expect(before.body.data!.orders.edges.find((edge) => edge.node.id === GRACES_PENDING)?.node.status).toBe(
      'PENDING',
    );
    await stack.query(list, {}, grace); // now cached
    await stack.query('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id: GRACES_PENDING }, grace);
    const after = await stack.query<{ orders: { edges: { node: { id: string; status: string } }[] } }>(
      list,
      {},
      grace,
    );
    expect(after.body.data!.orders.edges.find((edge) => edge.node.id === GRACES_PENDING)?.node.status).toBe(
      'CANCELLED',
    );
  });

  it("keeps its entries in Redis with the subgraphs' max age", async () => {
    const keys = await redis.keys(`${prefix}:response-cache:*`);
    expect(keys.length).toBeGreaterThan(0);
    const ttl = await redis.ttl(keys.find((key) => !key.endsWith('generation'))!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });
});
