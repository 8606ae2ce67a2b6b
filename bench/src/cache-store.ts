import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface BenchCacheStore {
  /** Router configuration of A+cache. */
  env: Record<string, string>;
  /** Where the answers live, for the report. */
  description: string;
  /** Deletes this run's keys. */
  cleanup(): Promise<void>;
}

/**
 * Where A+cache keeps its answers: in Redis (BENCH_REDIS_URL, default the local one), as a deployment with
 * more than one gateway replica must, under a key prefix of this run's own; in process memory only when no
 * Redis answers there, and the report says so. The rate limiter stays in process, as in A.
 */
export async function benchCacheStore(url: string): Promise<BenchCacheStore> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    redis.disconnect();
    return {
      env: { RESPONSE_CACHE: 'memory' },
      description: `in the gateway's memory (no Redis answered at ${url})`,
      cleanup: async () => {},
    };
  }
  const prefix = `bench-${randomUUID()}`;
  return {
    env: { RESPONSE_CACHE: 'redis', RESPONSE_CACHE_REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
    description: `in Redis at ${url}`,
    async cleanup() {
      try {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        await redis.quit().catch(() => redis.disconnect());
      }
    },
  };
}
