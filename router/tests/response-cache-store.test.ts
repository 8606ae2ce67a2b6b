import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createLogger } from '@supergraph/service-kit/logger';
import { eventually } from '@supergraph/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryAnswerStore, redisAnswerStore, type AnswerStore } from '../src/response-cache/store.ts';

/** The response cache's stores: what a lookup may return, on the real Redis and in memory. */
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomUUID()}:response-cache:`;
const logger = createLogger('gateway', 'silent');
const answer = (body: string) => ({ operationName: 'Me', storedAt: Date.now(), body });

let redis: Redis;
let store: AnswerStore;
beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  store = redisAnswerStore(REDIS_URL, prefix, logger);
  await eventually(async () => expect(await store.lookup('probe')).toBeDefined());
});
afterAll(async () => {
  await store?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe.each([
  ['redis', () => store],
  ['memory', () => memoryAnswerStore()],
])('%s answer store', (_name, storeOf) => {
  it('returns an answer only in the generation it was stored in', async () => {
    const answers = storeOf();
    const before = (await answers.lookup('k1'))!;
    await answers.store('k1', before.generation, answer('{"data":{"me":null}}\n'), 30);

    expect((await answers.lookup('k1'))?.answer).toMatchObject({
      operationName: 'Me',
      body: '{"data":{"me":null}}\n',
    });
    await answers.invalidate();
    const after = (await answers.lookup('k1'))!;
    expect(after.answer).toBeUndefined();
    expect(after.generation).not.toBe(before.generation);
  });

  it('never returns an answer stored with a generation older than the current one', async () => {
    const answers = storeOf();
    const old = (await answers.lookup('k2'))!.generation;
    await answers.invalidate();
    // A request that began before the mutation finishes after it, and stores what it read.
    await answers.store('k2', old, answer('stale'), 30);

    expect((await answers.lookup('k2'))?.answer).toBeUndefined();
  });
});

describe('redis answer store', () => {
  it("keeps answers for the hints' max age", async () => {
    const { generation } = (await store.lookup('k3'))!;
    await store.store('k3', generation, answer('{}'), 17);

    expect(await redis.ttl(`${prefix}k3`)).toBeGreaterThan(10);
    expect(await redis.ttl(`${prefix}k3`)).toBeLessThanOrEqual(17);
  });

  it('bypasses itself while the generation is missing, then starts one above every earlier value', async () => {
    const { generation } = (await store.lookup('k4'))!;
    await store.store('k4', generation, answer('{}'), 30);
    await redis.del(`${prefix}generation`); // evicted or flushed

    expect(await store.lookup('k4')).toBeUndefined();
    const restarted = await eventually(async () => {
      const lookup = await store.lookup('k4');
      expect(lookup).toBeDefined();
      return lookup!;
    });
    expect(Number(restarted.generation)).toBeGreaterThan(Number(generation));
    expect(restarted.answer).toBeUndefined();
  });

  it('is bypassed, never failing, while Redis cannot be reached', async () => {
    const unreachable = redisAnswerStore('redis://127.0.0.1:1', `${prefix}x:`, logger);
    try {
      expect(await unreachable.lookup('k5')).toBeUndefined();
      await expect(unreachable.store('k5', '1', answer('{}'), 30)).resolves.toBeUndefined();
      await expect(unreachable.invalidate()).resolves.toBeUndefined();
    } finally {
      await unreachable.close();
    }
  });
});

/**
 * A TCP proxy in front of the real Redis that can stall: while stalled it holds every command back (recording
 * its name), as a Redis that hangs would; resumed, it sends what it held, in order, and forwards again.
 */
async function startStallingProxy(target: URL) {
  const swallowed: string[] = [];
  let stalled = false;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      if (!stalled) return void upstream.write(chunk);
      held.push(() => upstream.write(chunk));
      for (const [, name] of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
        swallowed.push(name!.toUpperCase());
      }
    });
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    swallowed,
    stall: () => void (stalled = true),
    resume: () => {
      stalled = false;
      for (const send of held.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('redis answer store on a Redis that stops answering', () => {
  it('bypasses a lookup that times out without touching the generation, and retries a failed invalidation', async () => {
    const proxy = await startStallingProxy(new URL(REDIS_URL));
    const stallPrefix = `${prefix}stalled:`;
    const answers = redisAnswerStore(proxy.url, stallPrefix, logger);
    const generationNow = () => redis.get(`${stallPrefix}generation`);
    try {
      const { generation } = await eventually(async () => {
        const lookup = await answers.lookup('k6');
        expect(lookup).toBeDefined();
        return lookup!;
      });
      proxy.stall();

      // A lookup that times out is a bypass for that request, and leaves the shared generation alone.
      expect(await answers.lookup('k6')).toBeUndefined();
      await setTimeout(100); // anything else the lookup set off has reached the proxy by now
      expect(proxy.swallowed).toEqual(['MGET']);
      expect(await generationNow()).toBe(generation);

      // A mutation whose invalidation times out: this replica bypasses the cache (no lookup is sent) ...
      await answers.invalidate();
      const swallowedAfterFailure = proxy.swallowed.length;
      expect(await answers.lookup('k6')).toBeUndefined();
      expect(proxy.swallowed.slice(swallowedAfterFailure)).not.toContain('MGET');
      // ... and keeps trying: once Redis answers again, a new generation starts and the cache is in use.
      proxy.resume();
      await eventually(
        async () => expect(Number(await generationNow())).toBeGreaterThan(Number(generation)),
        {
          timeoutMs: 5_000,
        },
      );
      await eventually(async () => expect(await answers.lookup('k6')).toBeDefined(), { timeoutMs: 5_000 });
    } finally {
      await answers.close();
      await proxy.close();
    }
  });
});
