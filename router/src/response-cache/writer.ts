import type { ApolloServerPlugin } from '@apollo/server';
import type { RouterContext } from '../request-scope.ts';
import type { AnswerStore } from './store.ts';

/** Answers larger than this are not stored: one huge answer would evict many small ones. */
const MAX_STORED_BYTES = 512 * 1024;

/**
 * The writing half of the response cache, as an Apollo plugin:
 *
 * - A query's answer is stored when Apollo's cache-control calculation (the subgraphs' `@cacheControl` hints,
 *   sent to the gateway as Cache-Control headers) says it is cacheable, it has no errors, and the front noted
 *   a key for it. Its lifetime is the hints' max age. An anonymous caller's answer that contains anything
 *   PRIVATE is not stored at all: every anonymous caller shares one key.
 * - Every mutation starts a new generation before its response is sent, so the caller's next read (and
 *   everybody else's) misses and refetches. Coarse, but it can never serve data a mutation changed. Changes
 *   made by events (orders reacting to user.deleted) bypass the gateway and are bounded by the subgraphs'
 *   CACHE_MAX_AGE_SECONDS instead.
 */
export function responseCacheWriter(store: AnswerStore): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ contextValue }) {
      const slot = contextValue.responseCacheSlot;
      return {
        async willSendResponse({ operation, operationName, response, overallCachePolicy }) {
          if (operation?.operation === 'mutation') return store.invalidate();
          if (operation?.operation !== 'query' || !slot || response.body.kind !== 'single') return;
          const { data, errors, extensions } = response.body.singleResult;
          if (errors?.length || extensions || !data) return;
          if (response.http.status !== undefined && response.http.status !== 200) return;
          const policy = overallCachePolicy.policyIfCacheable();
          if (!policy || (policy.scope === 'PRIVATE' && slot.caller === 'anonymous')) return;
          // The bytes Apollo sends for this result (its default stringifyResult), so a hit is identical.
          const body = `${JSON.stringify({ data })}\n`;
          if (Buffer.byteLength(body) > MAX_STORED_BYTES) return;
          // Not awaited: storing must not delay the response, and a failed store is only a later miss.
          store
            .store(
              slot.key,
              slot.generation,
              { operationName: operationName ?? null, storedAt: Date.now(), body },
              policy.maxAge,
            )
            .catch(() => {});
        },
      };
    },
  };
}
