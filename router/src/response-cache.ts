import { createHash, randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@supergraph/service-kit';
import { Redis } from 'ioredis';
import type { RouterContext } from './context.ts';
import type { RouterEnv } from './env.ts';

/** Longer than the largest CACHE_MAX_AGE_SECONDS a subgraph may set (3600 s is the cap in their env). */
const BYPASS_AFTER_FAILED_INVALIDATION_MS = 3_600_000;

/** Hit/miss counts, read by the metrics module. */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
}

export interface ResponseCache {
  plugins: ApolloServerPlugin<RouterContext>[];
  stats: ResponseCacheStats;
  close(): Promise<void>;
}

/** Apollo's KeyValueCache on Redis, so every gateway replica shares one cache. */
class RedisKeyValueCache implements KeyValueCache<string> {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }
  // Best effort: an unreachable or slow Redis is a miss, never a failed request.
  async get(key: string) {
    return (await this.#redis.get(this.#prefix + key).catch(() => null)) ?? undefined;
  }
  async set(key: string, value: string, options?: { ttl?: number | null }) {
    const ttl = options?.ttl;
    await (
      ttl ? this.#redis.set(this.#prefix + key, value, 'EX', ttl) : this.#redis.set(this.#prefix + key, value)
    ).catch(() => undefined);
  }
  async delete(key: string) {
    await this.#redis.del(this.#prefix + key);
  }
}

/**
 * The whole-response cache (Apollo's response-cache plugin) with the guarantees it lacks on its own:
 *
 * - Cache hints come from the subgraphs' Cache-Control headers; a response that contains a user or an order
 *   is PRIVATE and is cached per caller (session = user id), never shared. Anonymous callers are not cached
 *   when anything private is in the answer.
 * - Every mutation invalidates: entries are keyed by a generation number that each mutation increments before
 *   its response is sent, so the caller's next read (and everybody else's) misses and refetches. Coarse, but
 *   it can never serve data a mutation changed. Changes made by events (orders reacting to user.deleted)
 *   bypass the gateway and are bounded by the subgraphs' CACHE_MAX_AGE_SECONDS instead.
 * - Browsers and CDNs get no Cache-Control from the gateway (see server.ts): they could not be invalidated.
 */
export function createResponseCache(env: RouterEnv, logger: Logger): ResponseCache {
  const stats: ResponseCacheStats = { hits: 0, misses: 0 };
  let redis: Redis | undefined;
  let cache: KeyValueCache<string>;
  let localGeneration = 0;
  const generationKey = `${env.REDIS_KEY_PREFIX}:response-cache:generation`;

  if (env.RESPONSE_CACHE === 'redis') {
    if (!env.REDIS_URL)
      throw new Error(
        'RESPONSE_CACHE=redis needs REDIS_URL (or use RESPONSE_CACHE=memory with one replica).',
      );
    // A stalled Redis must cost a cache miss, never a stalled request.
    redis = new Redis(env.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 100,
    });
    redis.on('error', (error: Error) =>
      logger.warn({ err: error.message }, 'response cache: redis unavailable'),
    );
    // A mutation during a Redis outage could not bump the generation: on every (re)connect, start a new one.
    redis.on('ready', () => {
      redis?.incr(generationKey).catch(() => {});
    });
    cache = new RedisKeyValueCache(redis, `${env.REDIS_KEY_PREFIX}:response-cache:`);
    logger.info('response cache: on, in Redis');
  } else {
    cache = new InMemoryLRUCache<string>({ maxSize: 64 * 1024 * 1024 });
    logger.info('response cache: on, in this process');
  }

  const generation = async (): Promise<string> => {
    if (!redis) return String(localGeneration);
    // A key nobody can have written: the lookup misses rather than risk a stale answer.
    return (await redis.get(generationKey).catch(() => null)) ?? `unknown:${randomUUID()}`;
  };

  let bypassUntil = 0;
  const usable = () => Date.now() >= bypassUntil && (redis === undefined || redis.status === 'ready');

  const invalidateOnMutation: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation !== 'mutation') return;
          if (!redis) localGeneration += 1;
          else
            await redis.incr(generationKey).then(
              // A newer generation makes every earlier entry unreachable: the cache is safe again.
              () => (bypassUntil = 0),
              (error: Error) => {
                // Entries this mutation should have invalidated may still be served by a Redis that answers
                // reads: this replica stops using the cache for longer than any entry can live.
                bypassUntil = Date.now() + BYPASS_AFTER_FAILED_INVALIDATION_MS;
                logger.warn({ err: error.message }, 'response cache: could not invalidate; bypassing it');
              },
            );
        },
      };
    },
  };

  const countHits: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, metrics }) {
          if (operation?.operation !== 'query') return;
          if (metrics.responseCacheHit) stats.hits += 1;
          else stats.misses += 1;
        },
      };
    },
  };

  const plugin = responseCachePlugin<RouterContext>({
    cache,
    // Every entry is keyed by its caller as well, whatever scope the hints say. The plugin would otherwise
    // share a "public" answer between logged-in callers — and a field a subgraph forgot to mark PRIVATE
    // (a connection's cursors, say) would leak one caller's answer, even an admin's, to another.
    generateCacheKey: (requestContext, keyData) =>
      createHash('sha256')
        .update(
          JSON.stringify({
            keyData,
            caller: (requestContext.contextValue as RouterContext).identity?.userId ?? null,
          }),
        )
        .digest('hex'),
    sessionId: async ({ contextValue }: GraphQLRequestContext<RouterContext>) =>
      contextValue.identity?.userId ?? null,
    // If Redis cannot say which generation is current, skip the cache rather than risk a stale answer.
    extraCacheKeyData: async () => generation(),
    shouldReadFromCache: async () => usable(),
    shouldWriteToCache: async () => usable(),
  });

  return {
    plugins: [invalidateOnMutation, plugin, countHits],
    stats,
    async close() {
      await redis?.quit().catch(() => redis?.disconnect());
    },
  };
}
