import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@supergraph/service-kit/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { subgraphCall } from '../src/request-scope.ts';
import { createSubgraphFetcher, SubgraphUnavailableError } from '../src/subgraph-fetch.ts';
import { postToSubgraph } from '../src/subgraph-http.ts';
import { startKeepAliveServer, type KeepAliveServer, type OnReuse } from './keep-alive-server.ts';

const logger = createLogger('gateway', 'silent');
const MUTATION = JSON.stringify({ query: 'mutation { placeOrder { id } }' });

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function serve(onReuse: OnReuse, keepAliveHint?: number): Promise<KeepAliveServer> {
  const server = await startKeepAliveServer(onReuse, keepAliveHint);
  cleanup.push(() => server.close());
  return server;
}

/**
 * The next turn of the event loop: undici hands a connection back to its pool one turn after its answer ended,
 * so a fetch sent in the same turn opens another connection. These tests want the pooled one reused.
 */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A fetcher whose breaker would open on the first failure, and its breaker's changes. */
function fetcherFor(idleSocketMs?: number) {
  const breakerChanges: boolean[] = [];
  const subgraph = createSubgraphFetcher({
    name: 'orders',
    timeoutMs: 5_000,
    ...(idleSocketMs === undefined ? {} : { idleSocketMs }),
    breaker: { errorThresholdPercent: 1, volumeThreshold: 1, resetMs: 60_000 },
    logger,
    onBreakerChange: (open) => breakerChanges.push(open),
  });
  cleanup.push(() => subgraph.shutdown());
  // A mutation: the fetcher's own retry (idempotent operations only) does not apply. It carries an
  // Idempotency-Key unless told otherwise: only then may a stale connection's request go again.
  const send = (url: string, idempotencyKey: string | null = 'key-1') =>
    subgraphCall.run({ deadline: undefined, idempotent: false }, () =>
      subgraph.fetcher(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: MUTATION,
      }),
    );
  return { send, breakerChanges };
}

describe('a pooled keep-alive connection the subgraph closes as a request is sent on it', () => {
  // A close (FIN) or a reset (RST: the request was still unread in the subgraph's buffer), as the kernel chooses.
  it.each(['close-unread', 'reset-unread'] as const)(
    'sends the request again on a fresh connection (%s): the mutation is answered, applied once, the breaker untouched',
    async (close) => {
      const server = await serve(close);
      const { send, breakerChanges } = fetcherFor();

      expect(await (await send(server.url)).json()).toEqual({ data: { served: 1 } });
      await nextTurn();
      const second = await send(server.url);

      expect(await second.json()).toEqual({ data: { served: 2 } });
      expect(server.applied).toEqual([MUTATION, MUTATION]);
      expect(server.connections).toBe(2);
      expect(breakerChanges).toEqual([]);
    },
  );

  it('does not send a mutation without an Idempotency-Key again: it fails as unreachable, applied at most once', async () => {
    const server = await serve('close-unread');
    const { send } = fetcherFor();

    expect(await (await send(server.url, null)).json()).toEqual({ data: { served: 1 } });
    await nextTurn();
    const second = await send(server.url, null).then(
      () => 'answered',
      (error: unknown) => error,
    );

    expect(second).toBeInstanceOf(SubgraphUnavailableError);
    expect((second as SubgraphUnavailableError).reason).toBe('unreachable');
    expect(server.applied).toEqual([MUTATION]);
  });

  it('survives a whole pool closed at once (a burst after an idle spell): every fetch answered, the breaker closed', async () => {
    const server = await serve('close-unread');
    const { send, breakerChanges } = fetcherFor();
    const burst = async () =>
      Promise.all(Array.from({ length: 20 }, () => send(server.url).then((response) => response.status)));

    expect(await burst()).toEqual(Array(20).fill(200));
    await nextTurn();
    const pooled = server.connections;
    expect(await burst()).toEqual(Array(20).fill(200));

    console.log(`connections: ${pooled} pooled by the first burst, ${server.connections} in all`);
    expect(server.applied).toHaveLength(40);
    expect(breakerChanges).toEqual([]);
  });

  it('does not send again once any byte of an answer came back: the subgraph had read the request', async () => {
    const server = await serve('die-mid-answer');
    const { send } = fetcherFor();
    await send(server.url);
    await nextTurn();

    const error = await send(server.url).then(
      () => expect.unreachable('the fetch should have failed'),
      (failure: unknown) => failure as SubgraphUnavailableError,
    );

    expect(error).toBeInstanceOf(SubgraphUnavailableError);
    expect(error.reason).toBe('unreachable');
    expect(server.applied).toEqual([MUTATION, MUTATION]);
  });

  it('fails a request on a fresh connection the subgraph drops, without sending it again', async () => {
    const server = await serve('close-always');

    await expect(
      postToSubgraph(server.url, { body: MUTATION }, new AbortController().signal),
    ).rejects.toThrow('other side closed');
    expect(server.connections).toBe(1);
  });
});

describe('idle pooled connections', () => {
  it("are closed by the gateway before the subgraph's Keep-Alive: timeout= hint runs out", async () => {
    const server = await serve('answer', 2);
    const { send } = fetcherFor();
    await send(server.url);

    // The gateway closes a free connection 1 s before the hinted 2 s; the server here never closes one itself.
    for (let waited = 0; server.closedByClient === 0 && waited < 20_000; waited += 50) await sleep(50);

    expect(server.closedByClient).toBe(1);
    await send(server.url);
    expect(server.connections).toBe(2);
  });

  it('are closed by the gateway after SUBGRAPH_IDLE_SOCKET_MS when that is sooner than the hint', async () => {
    const server = await serve('answer', 60);
    const { send } = fetcherFor(200);
    await send(server.url);

    for (let waited = 0; server.closedByClient === 0 && waited < 20_000; waited += 50) await sleep(50);

    expect(server.closedByClient).toBe(1);
  });

  it('leave a connection in use alone: an answer slower than SUBGRAPH_IDLE_SOCKET_MS still arrives', async () => {
    const slow = createServer((_req, res) => void setTimeout(() => res.end('{"data":{"slow":true}}'), 600));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => slow.close(resolve)));
    cleanup.push(() => slow.closeAllConnections());
    const { send } = fetcherFor(200);

    const response = await send(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql`);

    expect(await response.json()).toEqual({ data: { slow: true } });
  });
});
