import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type {
  Agent as UndiciAgent,
  buildConnector as UndiciBuildConnector,
  Client as UndiciClient,
  Dispatcher,
} from 'undici';
import type { BufferedResponse } from './buffered-response.ts';

/**
 * One subgraph request over undici's dispatcher (the HTTP/1.1 client under Node's own fetch, without fetch's
 * Request, Headers and web streams), on pooled keep-alive connections, read completely into memory. The global
 * fetch was about a quarter of the gateway's CPU per request on the traffic mix; node:http's client, which
 * replaced it, costs about 1.7 times undici's per request (docs/performance.md). Redirects are not followed (a
 * subgraph URL that redirects is a configuration error, answered as its status).
 */

// Only the two dispatchers used here, not undici's entry point: it loads fetch, WebSocket, caches and mocks too,
// about 13 MB of the gateway's resident memory (tests/subgraph-http.test.ts checks these are undici's own).
const require = createRequire(import.meta.url);
const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
const Client = require('undici/lib/dispatcher/client.js') as typeof UndiciClient;
const buildConnector = require('undici/lib/core/connect.js') as typeof UndiciBuildConnector;

/**
 * undici's own connector, except that a socket error (a reset, a broken pipe) says how many bytes the connection
 * had read when it happened, as undici's own "other side closed" error does: whether a pooled connection had
 * answered before is what makes a request that failed on it safe to send again (see postToSubgraph).
 */
function connectorTellingBytesRead(): UndiciBuildConnector.connector {
  const connect = buildConnector({});
  return (options, callback) =>
    connect(options, (error: Error | null, socket: Socket | null) => {
      // First of the socket's error listeners, so undici's own sees the error with it.
      socket?.prependListener('error', (socketError: Error & { socket?: { bytesRead: number } }) => {
        socketError.socket ??= { bytesRead: socket.bytesRead };
      });
      (callback as (...args: [Error | null, typeof socket]) => void)(error, socket);
    });
}

/** The keep-alive connections of one subgraph (or of every caller that passes none). */
export type SubgraphConnections = Dispatcher;

/** SUBGRAPH_IDLE_SOCKET_MS's default, as undici's (the global fetch's) keep-alive timeout. */
export const DEFAULT_IDLE_SOCKET_MS = 4_000;

/** How long before a subgraph's `Keep-Alive: timeout=` hint runs out the gateway closes an idle connection. */
const KEEP_ALIVE_HINT_MARGIN_MS = 1_000;

/**
 * Pools whose idle connections the gateway closes itself after `idleSocketMs`, or 1 s before the subgraph's own
 * `Keep-Alive: timeout=` hint if that is sooner, so a free connection is not reused just as the subgraph closes it.
 * A connection in use is never timed out here (our own per-fetch timeout governs those). No cap on connections
 * per subgraph, as the global fetch: a cap would queue fetches behind each other inside the gateway, where no
 * timeout or metric sees them wait.
 */
export function createSubgraphConnections(idleSocketMs = DEFAULT_IDLE_SOCKET_MS): SubgraphConnections {
  return new Agent({
    connect: connectorTellingBytesRead(),
    keepAliveTimeout: idleSocketMs,
    keepAliveMaxTimeout: idleSocketMs,
    keepAliveTimeoutThreshold: KEEP_ALIVE_HINT_MARGIN_MS,
    connections: null,
    // The fetcher's timeout covers the whole answer; undici's own ones (300 s) would only hide it.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

export function destroySubgraphConnections(connections: SubgraphConnections): void {
  connections.destroy().catch(() => {});
}

const sharedConnections = createSubgraphConnections();

const decoders: Record<string, (body: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

export interface PostInit {
  method?: string | undefined;
  headers?: Record<string, string> | Headers | undefined;
  body?: string | undefined;
  /**
   * Whether a request that met a stale pooled connection may be sent again (default true). False for a mutation
   * without an Idempotency-Key: a subgraph that committed it and died before answering looks the same.
   */
  resendable?: boolean | undefined;
}

/** A pooled connection the subgraph had closed: the request failed before a byte of any answer came back. */
class StaleConnectionError extends Error {
  constructor(cause: unknown) {
    super('The subgraph closed a pooled keep-alive connection as the request was sent on it.', { cause });
  }
}

/** Where a subgraph URL sends requests: parsed once per URL (subgraph URLs are few and fixed by configuration). */
interface Target {
  origin: string;
  path: string;
}
const targets = new Map<string, Target>();
const MAX_TARGETS = 1_000;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/**
 * Posts `init` to `url` and reads the whole answer. A request sent on a pooled connection that fails with a reset
 * or a close before any byte of an answer arrived is sent once more on a fresh connection: the subgraph closed
 * that connection as idle as the request crossed its close, and a server closes a keep-alive connection for
 * idleness only between requests (Node's keepAliveTimeout and closeIdleConnections do, as do proxies), so the
 * request never reached its application. The one case that looks the same — a subgraph that read the request,
 * committed and died before answering — makes a resend unsafe for a mutation, unless it carries an Idempotency-Key
 * (the same headers go again, and the subgraph answers a key it has seen from its record); so `init.resendable`
 * is false for a mutation without one, and that request fails as unreachable instead (RFC 9110 §9.2.2).
 */
export function postToSubgraph(
  url: string,
  init: PostInit,
  signal: AbortSignal,
  connections: SubgraphConnections = sharedConnections,
): Promise<BufferedResponse> {
  const headers: Record<string, string> =
    init.headers instanceof Headers ? Object.fromEntries(init.headers) : { ...init.headers };
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  // undici writes the body's content-length itself, and refuses one that disagrees with the body.
  delete headers['content-length'];
  const { origin, path } = targetOf(url);
  const request: Dispatcher.DispatchOptions = {
    origin,
    path,
    method: (init.method ?? 'POST') as Dispatcher.HttpMethod,
    headers,
    body: init.body ?? null,
  };
  return send(request, connections, signal, url).catch((error: unknown) => {
    if (!(error instanceof StaleConnectionError) || init.resendable === false) throw error;
    // A connection of its own, closed after the answer: other pooled ones may be stale too.
    const fresh = new Client(origin);
    return send(request, fresh, signal, url).finally(() => void fresh.close().catch(() => {}));
  });
}

/** An error undici reports when the connection itself failed (closed, reset, broken pipe). */
function connectionFailed(error: unknown): error is Error & { socket?: { bytesRead?: number } } {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

function send(
  request: Dispatcher.DispatchOptions,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  url: string,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    /** A byte of this request's answer arrived: the subgraph had read the request. */
    let answerStarted = false;
    let status = 0;
    let statusText = '';
    let headers: [string, string][] = [];
    const chunks: Buffer[] = [];
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      controller?.abort(signal.reason);
      settle(() => reject(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(request, {
      onRequestStart(started) {
        controller = started;
        if (signal.aborted) started.abort(signal.reason);
      },
      onResponseStarted() {
        answerStarted = true;
      },
      onResponseStart(_controller, statusCode, responseHeaders, statusMessage) {
        if (statusCode < 200) return; // 101–199 (informational): the answer follows; undici refuses a 100 itself
        status = statusCode;
        statusText = statusMessage ?? '';
        headers = [];
        for (const [name, value] of Object.entries(responseHeaders)) {
          if (value === undefined) continue;
          for (const one of Array.isArray(value) ? value : [value]) headers.push([name, one]);
        }
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        const raw = Buffer.concat(chunks);
        const encoding = headers
          .find(([name]) => name === 'content-encoding')?.[1]
          .trim()
          .toLowerCase();
        const decode = encoding ? decoders[encoding] : undefined;
        (decode ? decode(raw) : Promise.resolve(raw)).then(
          (decoded) =>
            settle(() =>
              resolve({
                status,
                statusText,
                // The body was decoded here: its encoding and length no longer describe it.
                headers: headers.filter(([name]) => name !== 'content-encoding' && name !== 'content-length'),
                body: status === 204 || status === 304 ? null : decoded.toString('utf8'),
                url,
              }),
            ),
          (error: unknown) => settle(() => reject(error)),
        );
      },
      onResponseError(_controller, error) {
        // A connection that had read earlier answers (a pooled one) and failed before a byte of this one.
        const stale =
          !answerStarted && !signal.aborted && connectionFailed(error) && (error.socket?.bytesRead ?? 0) > 0;
        settle(() => reject(stale ? new StaleConnectionError(error) : error));
      },
    });
  });
}
