import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@supergraph/service-kit';
import { Redis } from 'ioredis';

/** Longer than the largest CACHE_MAX_AGE_SECONDS a subgraph may set (3600 s is the cap in their env). */
const BYPASS_AFTER_FAILED_INVALIDATION_MS = 3_600_000;

/** One cached answer: the exact body Apollo sent, and what the request log needs to say about it. */
export interface CachedAnswer {
  /** The operation Apollo resolved (null: anonymous). */
  operationName: string | null;
  /** When it was stored (ms since the epoch), for the `Age` header. */
  storedAt: number;
  body: string;
}

/** What a lookup found: the generation current when it was made, and the answer if one of that generation exists. */
export interface Lookup {
  generation: string;
  answer: CachedAnswer | undefined;
}

/**
 * Where answers live. Every mutation starts a new generation; an answer is stored with the generation that was
 * current when its request began, and a lookup returns it only if that generation is still current. So an
 * answer computed before a mutation can never be served after it, however the two raced.
 */
export interface AnswerStore {
  /** Undefined when the store cannot be trusted right now (unreachable, or an invalidation failed): bypass it. */
  lookup(key: string): Promise<Lookup | undefined>;
  store(key: string, generation: string, answer: CachedAnswer, ttlSeconds: number): Promise<void>;
  /** Starts a new generation; every answer stored so far becomes unreachable. */
  invalidate(): Promise<void>;
  close(): Promise<void>;
}

// Stored as `<generation>\n<[operationName, storedAt]>\n<body>`: the generation check needs no JSON parse.
const encode = (generation: string, { operationName, storedAt, body }: CachedAnswer) =>
  `${generation}\n${JSON.stringify([operationName, storedAt])}\n${body}`;

function decode(value: string | null | undefined, generation: string): CachedAnswer | undefined {
  if (!value?.startsWith(`${generation}\n`)) return undefined;
  const headerEnd = value.indexOf('\n', generation.length + 1);
  if (headerEnd < 0) return undefined;
  const [operationName, storedAt] = JSON.parse(value.slice(generation.length + 1, headerEnd)) as [
    string | null,
    number,
  ];
  return { operationName, storedAt, body: value.slice(headerEnd + 1) };
}

/** This process only: correct with one gateway replica (another replica's mutations would not invalidate it). */
export function memoryAnswerStore(maxBytes = 64 * 1024 * 1024): AnswerStore {
  const cache = new InMemoryLRUCache<string>({ maxSize: maxBytes });
  let generation = 0;
  return {
    async lookup(key) {
      const current = String(generation);
      return { generation: current, answer: decode(await cache.get(key), current) };
    },
    async store(key, storedGeneration, answer, ttlSeconds) {
      await cache.set(key, encode(storedGeneration, answer), { ttl: ttlSeconds });
    },
    async invalidate() {
      generation += 1;
    },
    async close() {},
  };
}

/**
 * Shared by every gateway replica: the generation is a Redis counter, so a mutation through any replica
 * invalidates every replica's lookups. A lookup is one round trip (MGET of the generation and the entry).
 * Best effort: an unreachable or slow Redis (100 ms command timeout) is a bypass, never a failed request.
 */
export function redisAnswerStore(url: string, prefix: string, logger: Logger): AnswerStore {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 100,
    // Lookups issued in the same tick (concurrent requests) go out in one write: fewer syscalls per hit.
    enableAutoPipelining: true,
  });
  const generationKey = `${prefix}generation`;
  let bypassUntil = 0;
  const usable = () => redis.status === 'ready' && Date.now() >= bypassUntil;
  redis.on('error', (error: Error) =>
    logger.warn({ err: error.message }, 'response cache: redis unavailable'),
  );
  // A missing counter (flushed, evicted) restarts from the clock, above any value it can have had before:
  // a generation number is never reused, so an answer left over from an earlier one can never match again.
  const newGeneration = () =>
    redis
      .multi()
      .set(generationKey, String(Date.now() * 1000), 'NX')
      .incr(generationKey)
      .exec()
      .then((results) => {
        const failed = !results ? new Error('transaction discarded') : results.find(([error]) => error)?.[0];
        if (failed) throw failed;
      })
      .then(
        // A newer generation makes every earlier answer unreachable: the cache is safe again.
        () => void (bypassUntil = 0),
        (error: Error) => {
          // Answers a mutation should have invalidated may still be served by a Redis that answers reads: this
          // replica stops using the cache for longer than any answer can live, or until a new generation.
          bypassUntil = Date.now() + BYPASS_AFTER_FAILED_INVALIDATION_MS;
          logger.warn({ err: error.message }, 'response cache: could not invalidate; bypassing it');
        },
      );
  // A mutation during an outage could not start a new generation: every (re)connect starts one.
  redis.on('ready', () => void newGeneration());

  return {
    async lookup(key) {
      if (!usable()) return undefined;
      const [generation, value] = await redis.mget(generationKey, prefix + key).catch(() => [null, null]);
      // No generation (Redis was flushed or just came back): nothing can be trusted until one exists.
      if (generation === null || generation === undefined) {
        void newGeneration();
        return undefined;
      }
      return { generation, answer: decode(value, generation) };
    },
    async store(key, generation, answer, ttlSeconds) {
      if (!usable()) return;
      await redis.set(prefix + key, encode(generation, answer), 'EX', ttlSeconds).catch(() => {});
    },
    invalidate: newGeneration,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
