import { describe, expect, it } from 'vitest';
import { deduplicateInflight, type DedupStats } from '../src/inflight-dedup.ts';
import { subgraphCall, type SubgraphCall } from '../src/request-scope.ts';
import { SubgraphUnavailableError } from '../src/subgraph-fetch.ts';

type Fetcher = Parameters<typeof deduplicateInflight>[0];

/**
 * A fetcher that answers only when told to, and fails the way the real one does when the deadline of the
 * request it runs for passes (SubgraphUnavailableError 'deadline').
 */
function controlledFetcher() {
  const pending: { release: (body: string) => void; signal: AbortSignal | undefined }[] = [];
  const fetcher: Fetcher = (_url, _init) => {
    const deadline = subgraphCall.getStore()?.deadline;
    return new Promise((resolve, reject) => {
      deadline?.addEventListener('abort', () => reject(new SubgraphUnavailableError('users', 'deadline')), {
        once: true,
      });
      pending.push({
        signal: deadline,
        release: (body) => resolve(new Response(body, { headers: { 'content-type': 'application/json' } })),
      });
    });
  };
  return { fetcher, pending };
}

const call = (overrides: Partial<SubgraphCall> = {}): SubgraphCall => ({
  deadline: undefined,
  idempotent: true,
  identity: 'user-1:CUSTOMER',
  ...overrides,
});

const fetchAs = (dedup: Fetcher, store: SubgraphCall, body = '{"query":"{ me { name } }"}') =>
  subgraphCall.run(store, () => dedup('http://users/graphql', { method: 'POST', body }));

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('in-flight deduplication', () => {
  it('shares one fetch between overlapping identical queries of one caller', async () => {
    const { fetcher, pending } = controlledFetcher();
    const stats: DedupStats = { shared: 0 };
    const dedup = deduplicateInflight(fetcher, 'users', stats);

    const first = fetchAs(dedup, call());
    const second = fetchAs(dedup, call());
    await tick();
    pending[0]!.release('{"data":{"me":{"name":"A"}}}');

    expect(pending).toHaveLength(1);
    expect(await (await first).text()).toBe('{"data":{"me":{"name":"A"}}}');
    expect(await (await second).text()).toBe('{"data":{"me":{"name":"A"}}}');
    expect(stats.shared).toBe(1);
  });

  it('never shares between callers, mutations, or response-cache generations', async () => {
    const { fetcher, pending } = controlledFetcher();
    const dedup = deduplicateInflight(fetcher, 'users', { shared: 0 });

    const answers = [
      fetchAs(dedup, call({ generation: '7' })),
      fetchAs(dedup, call({ identity: 'user-2:CUSTOMER', generation: '7' })),
      // A request that read a newer generation began after a mutation: a fetch from before it may be stale.
      fetchAs(dedup, call({ generation: '8' })),
      fetchAs(dedup, call({ idempotent: false }), '{"query":"mutation { cancelOrder(id: 1) { id } }"}'),
    ];
    await tick();
    for (const fetch of pending) fetch.release('{"data":{}}');
    await Promise.all(answers);

    expect(pending).toHaveLength(4);
  });

  it('lets a waiter with time left fetch for itself when the request that started the fetch ran out of time', async () => {
    const { fetcher, pending } = controlledFetcher();
    const stats: DedupStats = { shared: 0 };
    const dedup = deduplicateInflight(fetcher, 'users', stats);
    const short = new AbortController();

    const starter = fetchAs(dedup, call({ deadline: short.signal }));
    const waiter = fetchAs(dedup, call({ deadline: new AbortController().signal }));
    await tick();
    expect(stats.shared).toBe(1);
    short.abort(new Error('deadline'));
    await expect(starter).rejects.toMatchObject({ reason: 'deadline' });
    await tick();
    // The waiter's own attempt, under its own deadline.
    expect(pending).toHaveLength(2);
    pending[1]!.release('{"data":{"me":{"name":"B"}}}');

    expect(await (await waiter).text()).toBe('{"data":{"me":{"name":"B"}}}');
  });
});
