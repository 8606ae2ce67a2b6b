import type { Logger } from '@supergraph/service-kit/logger';
import type { RequestHandler } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RouterEnv } from '../env.ts';
import { responseCacheFront, type LookupResult } from './front.ts';
import { configHashOf, type KeyScope } from './key.ts';
import { memoryAnswerStore, redisAnswerStore } from './store.ts';
import { responseCacheWriter } from './writer.ts';
import type { RequestScopes, RouterContext } from '../request-scope.ts';

export { schemaHashOf } from './key.ts';

/** Lookups since start, by result; also in Prometheus as response_cache_lookups_total. */
export type ResponseCacheStats = Record<LookupResult, number>;

export interface ResponseCache {
  /** Express middleware, after the body parser: answers hits before Apollo runs. */
  front: RequestHandler;
  /** Apollo plugin: stores cacheable answers, and invalidates on every mutation. */
  plugin: ApolloServerPlugin<RouterContext>;
  stats: ResponseCacheStats;
  close(): Promise<void>;
}

export interface ResponseCacheOptions {
  env: RouterEnv;
  logger: Logger;
  registry: Registry;
  /** Hash of the supergraph being served (undefined until loaded): a new schema never sees older answers. */
  schema: () => string | undefined;
  /** The request's caller and cache slot. */
  scopes: RequestScopes;
}

/**
 * The gateway's whole-response cache for queries (RESPONSE_CACHE=redis|memory; off by default).
 *
 * Why not `@apollo/server-plugin-response-cache`: it was the first implementation, and a hit through it still
 * paid for everything Apollo does before `responseForOperation` (context, parse, validation, cost analysis):
 * `npm run bench` measured a hit at ~0.7 ms of gateway CPU, barely half of a full execution that in-flight
 * dedup already makes cheap. The front below answers a hit from the JSON body, before Apollo runs.
 *
 * What it keeps from that design: cacheability and lifetimes come from the subgraphs' `@cacheControl` hints
 * through Apollo's cache-control calculation, and the store is Redis, shared by every replica. What it adds:
 * every answer is keyed by its caller (user id and role) whatever scope the hints say — a field a subgraph
 * forgot to mark PRIVATE (a connection's cursors, say) could otherwise leak one caller's answer, even an
 * admin's, to another — and every mutation invalidates everything (see store.ts for the generation).
 * Browsers and CDNs get no Cache-Control from the gateway (see server.ts): they could not be invalidated.
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { env, logger } = options;
  const store =
    env.RESPONSE_CACHE === 'redis'
      ? redisAnswerStore(requireRedisUrl(env), `${env.REDIS_KEY_PREFIX}:response-cache:`, logger)
      : memoryAnswerStore();
  logger.info(`response cache: on, ${env.RESPONSE_CACHE === 'redis' ? 'in Redis' : 'in this process'}`);

  const stats: ResponseCacheStats = { hit: 0, miss: 0, bypass: 0 };
  const lookups = new Counter({
    name: 'response_cache_lookups_total',
    help:
      'Response-cache lookups by result: hit (answered from the cache), miss (executed, then stored if cacheable), ' +
      'bypass (the cache could not be trusted: store unreachable, or an invalidation failed). Hit ratio: hit / (hit + miss).',
    labelNames: ['result'],
    registers: [options.registry],
  });
  // The configuration that changes answers: replicas mid-rollout with different limits never share answers.
  const config = configHashOf({
    NODE_ENV: env.NODE_ENV,
    limits: [env.MAX_DEPTH, env.MAX_ALIASES, env.MAX_DIRECTIVES, env.MAX_TOKENS, env.MAX_COST],
  });
  const scope = (): KeyScope => ({ schema: options.schema(), config });

  return {
    front: responseCacheFront({
      store,
      scope,
      scopes: options.scopes,
      counted: (result) => {
        stats[result] += 1;
        lookups.inc({ result });
      },
    }),
    plugin: responseCacheWriter(store),
    stats,
    close: () => store.close(),
  };
}

function requireRedisUrl(env: RouterEnv): string {
  const url = env.RESPONSE_CACHE_REDIS_URL ?? env.REDIS_URL;
  if (!url)
    throw new Error(
      'RESPONSE_CACHE=redis needs REDIS_URL or RESPONSE_CACHE_REDIS_URL (or use RESPONSE_CACHE=memory with one replica).',
    );
  return url;
}
