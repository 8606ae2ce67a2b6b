import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { buffer, responseOf, type BufferedResponse } from './buffered-response.ts';
import { subgraphCall } from './request-scope.ts';
import { SubgraphUnavailableError } from './subgraph-fetch.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface DedupStats {
  /** Fetches answered by a fetch already in flight instead of a new one. */
  shared: number;
}

/**
 * In-flight deduplication: identical subgraph queries from the same caller that overlap in time share one
 * fetch. The key is the caller's identity, the subgraph URL, the whole request body (query, variables,
 * operation name) and the response-cache generation the request read (see SubgraphCall), so nobody ever receives an answer computed for someone else. Mutations are never shared
 * (each must run), and neither is anything the data source did not mark idempotent. Each waiter still
 * honours its own request's deadline.
 */
export function deduplicateInflight(fetcher: Fetcher, subgraph: string, stats: DedupStats): Fetcher {
  const inflight = new Map<string, Promise<BufferedResponse>>();
  // Bumped whenever a mutation is sent through this gateway: a query that starts afterwards never joins a
  // fetch that started before it (read-your-writes, and nobody reads data older than a mutation this replica
  // already forwarded). With the response cache on, the generation a request read covers mutations through
  // other replicas too.
  let mutations = 0;
  return async (url, init) => {
    const call = subgraphCall.getStore();
    const body = init?.body;
    if (call && !call.idempotent) mutations += 1;
    if (!call?.idempotent || call.identity === undefined || typeof body !== 'string')
      return fetcher(url, init);
    const key = `${call.identity}\n${mutations}\n${call.generation ?? ''}\n${url}\n${body}`;
    let shared = inflight.get(key);
    if (shared) {
      stats.shared += 1;
    } else {
      shared = fetcher(url, init).then(buffer);
      inflight.set(key, shared);
      const forget = () => inflight.delete(key);
      shared.then(forget, forget);
    }
    const deadline = call.deadline;
    // The shared fetch runs under the deadline of the request that started it. If that one ran out first,
    // a waiter with time left fetches for itself.
    const ownAttemptIfTheirsExpired = (error: unknown): Promise<BufferedResponse> => {
      if (error instanceof SubgraphUnavailableError && error.reason === 'deadline' && !deadline?.aborted) {
        return fetcher(url, init).then(buffer);
      }
      throw error;
    };
    const answer = shared.catch(ownAttemptIfTheirsExpired);
    if (!deadline) return responseOf(await answer);
    // Waiting on someone else's fetch must not outlive this request's own deadline.
    let expire = () => {};
    const aborted = new Promise<never>((_, reject) => {
      expire = () => reject(new SubgraphUnavailableError(subgraph, 'deadline', { cause: deadline.reason }));
      if (deadline.aborted) expire();
      else deadline.addEventListener('abort', expire, { once: true });
    });
    aborted.catch(() => {});
    // The shared fetch may still settle after this caller gave up: never leave its rejection unhandled.
    answer.catch(() => {});
    try {
      return responseOf(await Promise.race([answer, aborted]));
    } finally {
      // A listener left on the deadline would keep this closure (request, logger, answer) alive until the
      // deadline fires, long after the request ended: old-generation garbage, most of the gateway's peak RSS.
      deadline.removeEventListener('abort', expire);
    }
  };
}
