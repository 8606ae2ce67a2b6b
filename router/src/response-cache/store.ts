import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@supergraph/service-kit/logger';
import { Redis } from 'ioredis';

/** No answer is kept longer than this, whatever the hints say (the subgraphs' own cap is the same). */
const MAX_TTL_SECONDS = 3_600;
/** Longer than any answer can live. */
const BYPASS_AFTER_FAILED_INVALIDATION_MS = (MAX_TTL_SECONDS + 60) * 1_000;

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
  try {
    const [operationName, storedAt] = JSON.parse(value.slice(generation.length + 1, headerEnd)) as [
      string | null,
      number,
    ];
    return { operationName, storedAt, body: value.slice(headerEnd + 1) };
  } catch {
    return undefined; // not written by this code: a miss, and the next answer overwrites it
  }
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
      await cache.set(key, encode(storedGeneration, answer), { ttl: Math.min(ttlSeconds, MAX_TTL_SECONDS) });
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
  let retry: NodeJS.Timeout | undefined;
  const usable = () => redis.status === 'ready' && Date.now() >= bypassUntil;
  redis.on('error', (error: Error) =>
    logger.warn({ err: error.message }, 'response cache: redis unavailable'),
  );

  // Resolves true once a new generation exists. A missing counter (flushed, evicted) restarts from the clock,
  // above any value it can have had before: a generation number is not reused, so an answer left over from
  // an earlier one cannot match again.
  const startGeneration = (): Promise<boolean> =>
    redis
      .multi()
      .set(generationKey, String(Date.now() * 1000), 'NX')
      .incr(generationKey)
      .exec()
      .then(
        (results) => !!results && results.every(([error]) => !error),
        () => false,
      )
      .then((started) => {
        // A newer generation makes every earlier answer unreachable: the cache is safe again.
        if (started) bypassUntil = 0;
        return started;
      });

  // A mutation whose invalidation failed: this replica stops using the cache (for longer than any answer
  // can live) until a new generation exists, and keeps trying to start one, because the other replicas go
  // on serving the answers the mutation may have changed until it succeeds.
  const invalidationFailed = () => {
    bypassUntil = Date.now() + BYPASS_AFTER_FAILED_INVALIDATION_MS;
    logger.warn('response cache: could not invalidate after a mutation; bypassing it and retrying');
    if (retry) return;
    retry = setInterval(() => {
      void startGeneration().then((started) => {
        if (!started || !retry) return;
        clearInterval(retry);
        retry = undefined;
        logger.info('response cache: invalidated; in use again');
      });
    }, 1_000);
    retry.unref();
  };

  // A mutation during an outage could not start a new generation: every (re)connect starts one.
  redis.on('ready', () => void startGeneration());

  return {
    async lookup(key) {
      if (!usable()) return undefined;
      let generation: string | null | undefined;
      let value: string | null | undefined;
      try {
        [generation, value] = await redis.mget(generationKey, prefix + key);
      } catch {
        return undefined; // slow or failing Redis: this request bypasses the cache, nothing else changes
      }
      // No generation (Redis was flushed, or evicted it): nothing can be trusted until there is one.
      if (generation === null || generation === undefined) {
        void startGeneration();
        return undefined;
      }
      return { generation, answer: decode(value, generation) };
    },
    async store(key, generation, answer, ttlSeconds) {
      if (!usable()) return;
      await redis
        .set(prefix + key, encode(generation, answer), 'EX', Math.min(ttlSeconds, MAX_TTL_SECONDS))
        .catch(() => {});
    },
    async invalidate() {
      if (!(await startGeneration())) invalidationFailed();
    },
    async close() {
      clearInterval(retry);
      retry = undefined;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
