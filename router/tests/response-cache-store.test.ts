import { randomUUID } from 'node:crypto';
import { createLogger } from '@supergraph/service-kit';
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
