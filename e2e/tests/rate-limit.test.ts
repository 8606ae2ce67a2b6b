import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/** Per-client rate limiting with counters in the real Redis (127.0.0.1:6379 here; REDIS_URL overrides). */
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomUUID()}`;
let stack: Stack;
let redis: Redis;
/** grace@example.com's token, logged in by the first test. */
let graceToken: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  stack = await startStack('ratelimit', {
    gateway: { REDIS_URL, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_POINTS: '5', RATE_LIMIT_WINDOW_SECONDS: '60' },
  });
});
afterAll(async () => {
  await stack?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const ask = (headers: Record<string, string> = {}) =>
  fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

describe('rate limiting', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a client spends its budget, without reaching a subgraph', async () => {
    // logIn itself spends a point of the anonymous (IP) budget, so log in first and count from there.
    graceToken = await stack.logIn('grace@example.com');
    const auth = { authorization: `Bearer ${graceToken}` };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(auth)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    // A Redis command slower than the limiter's 100 ms timeout is counted in the replica's memory instead (its
    // insurance budget, router/src/rate-limit.ts), so on a loaded machine the five points may be split between
    // Redis and memory, each of which allows five: the refusal may then come a few requests later.
    let refused: Response | undefined;
    let hitsBefore = 0;
    for (let extra = 0; extra < 20 && !refused; extra++) {
      hitsBefore = stack.hits.users + stack.hits.orders;
      const response = await ask(auth);
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(200);
    }
    if (!refused) throw new Error('no request was refused within 25 requests on a budget of 5');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      errors: [
        {
          message: `Too many requests: retry after ${retryAfter} seconds.`,
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
        },
      ],
    });
    expect(stack.hits.users + stack.hits.orders).toBe(hitsBefore);
  });

  it('keeps the counters in Redis, keyed by user id, so every gateway replica shares them', async () => {
    // A Redis command slower than the limiter's 100 ms timeout is counted in the replica's memory instead (its
    // insurance budget, router/src/rate-limit.ts): on a loaded machine the first test's may all have been.
    // Each request (refused or not) counts again, in Redis once Redis answers in time.
    await eventually(
      async () => {
        await ask({ authorization: `Bearer ${graceToken}` });
        const keys = await redis.keys(`${prefix}:rate:*`);
        expect(keys).toContain(`${prefix}:rate:user:00000000-0000-4000-8000-000000000002`);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });

  it('gives another client its own budget', async () => {
    // Two logIns so far spent 2 of the anonymous (IP) budget of 5.
    const token = await stack.logIn('alan@example.com');
    expect((await ask({ authorization: `Bearer ${token}` })).status).toBe(200);
  });
});
