import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';

/** How long a ping to the subgraph may wait for its pong before the connection counts as lost. */
const PONG_TIMEOUT_MS = 5_000;
/** How often the gateway pings each subgraph connection (graphql-transport-ws ping messages). */
const KEEP_ALIVE_MS = 10_000;

export interface UpstreamRequest {
  /** The subgraph's HTTP URL (`/graphql`): its WebSocket is the same URL with ws(s)://. */
  url: string;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  /** connection_init's payload: the signed identity and the request id (the subgraphs' contract). */
  connectionParams: () => Promise<Record<string, unknown>>;
}

/** What the subgraph stream gave: an event, its end, or why it stopped. */
export type UpstreamMessage =
  | { kind: 'event'; result: FormattedExecutionResult; receivedAt: number }
  | { kind: 'complete' }
  /** The subgraph refused or failed the operation with GraphQL errors (an `error` message). */
  | { kind: 'refused'; errors: readonly GraphQLFormattedError[] }
  /** The connection closed, dropped or could not be opened. */
  | { kind: 'lost'; detail: string };

export interface Upstream {
  /** Stops the subgraph subscription and closes its connection; no message is delivered afterwards. */
  close(): void;
}

export const websocketUrlOf = (httpUrl: string): string => httpUrl.replace(/^http(s?):\/\//i, 'ws$1://');

/**
 * One subscription on the owning subgraph, over a graphql-ws connection of its own (one per client
 * subscription: simple to reason about, and the connection_init carries exactly this caller's identity). It
 * is never retried here: a drop is reported as `lost`, and the client subscribes again (at-most-once).
 */
export function openUpstream(
  request: UpstreamRequest,
  deliver: (message: UpstreamMessage) => void,
): Upstream {
  let done = false;
  const finish = (message: UpstreamMessage) => {
    if (done) return;
    done = true;
    deliver(message);
    dispose();
  };
  // dispose() rejects when the connection it waits for failed: that was reported already.
  const dispose = () => void Promise.resolve(client.dispose()).catch(() => {});
  let pongWait: NodeJS.Timeout | undefined;
  const client: Client = createClient({
    url: websocketUrlOf(request.url),
    webSocketImpl: WebSocket,
    connectionParams: request.connectionParams,
    lazy: true,
    lazyCloseTimeout: 0,
    retryAttempts: 0,
    keepAlive: KEEP_ALIVE_MS,
    on: {
      // A subgraph that vanished without closing (a cut network) would otherwise look alive for ever.
      ping: (received) => {
        if (received) return;
        pongWait = setTimeout(() => {
          finish({ kind: 'lost', detail: `no pong within ${PONG_TIMEOUT_MS} ms` });
        }, PONG_TIMEOUT_MS);
        pongWait.unref();
      },
      pong: (received) => {
        if (received) clearTimeout(pongWait);
      },
      closed: () => clearTimeout(pongWait),
    },
  });
  const unsubscribe = client.subscribe<Record<string, unknown>, Record<string, unknown>>(
    {
      query: request.query,
      variables: request.variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
    },
    {
      next: (result) => {
        if (!done) deliver({ kind: 'event', result, receivedAt: Date.now() });
      },
      complete: () => finish({ kind: 'complete' }),
      error: (error: unknown) => finish(classify(error)),
    },
  );
  return {
    close() {
      if (done) return;
      done = true;
      clearTimeout(pongWait);
      unsubscribe();
      dispose();
    },
  };
}

function classify(error: unknown): UpstreamMessage {
  if (Array.isArray(error)) return { kind: 'refused', errors: error as GraphQLFormattedError[] };
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: unknown; reason?: unknown };
    return {
      kind: 'lost',
      detail: `closed ${String(code)} ${typeof reason === 'string' ? reason : ''}`.trim(),
    };
  }
  const message = (error as { message?: unknown } | null)?.message;
  return { kind: 'lost', detail: typeof message === 'string' ? message : String(error) };
}
