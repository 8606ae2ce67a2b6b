import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { BufferedResponse } from './buffered-response.ts';

/**
 * One subgraph request over node:http with pooled keep-alive connections, read completely into memory.
 * The global fetch (undici's WHATWG fetch: Request, Headers, web streams) was about a quarter of the
 * gateway's CPU per request on the traffic mix (`npm run bench -- --traffic mix`, BENCH_CPU_PROFILE_DIR);
 * the gateway needs none of what it adds — it sends a small POST and buffers the whole answer anyway.
 * Redirects are not followed (a subgraph URL that redirects is a configuration error, answered as its status).
 */

/** The keep-alive pools of one subgraph (or of every caller that passes none). */
export interface SubgraphAgents {
  'http:': http.Agent;
  'https:': https.Agent;
}

/** SUBGRAPH_IDLE_SOCKET_MS's default, as undici's (the global fetch's) keep-alive timeout. */
export const DEFAULT_IDLE_SOCKET_MS = 4_000;

/**
 * Pools whose idle connections the gateway closes itself after `idleSocketMs`, or 1 s before the subgraph's own
 * `Keep-Alive: timeout=` hint if that is sooner. Node applies the hint only to an agent with a `timeout`: without
 * one a free socket stays pooled until the subgraph closes it — possibly just as a request is written to it.
 * `timeout` only notifies a socket in use (our own per-fetch timeout governs those); free ones are destroyed.
 * No cap on sockets per subgraph, as undici's default dispatcher: a cap would queue fetches behind each other
 * inside the gateway, where no timeout or metric sees them wait.
 */
export function createSubgraphAgents(idleSocketMs = DEFAULT_IDLE_SOCKET_MS): SubgraphAgents {
  return {
    'http:': new http.Agent({ keepAlive: true, timeout: idleSocketMs }),
    'https:': new https.Agent({ keepAlive: true, timeout: idleSocketMs }),
  };
}

export function destroySubgraphAgents(agents: SubgraphAgents): void {
  agents['http:'].destroy();
  agents['https:'].destroy();
}

const sharedAgents = createSubgraphAgents();

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
  agents: SubgraphAgents = sharedAgents,
): Promise<BufferedResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  const headers: Record<string, string> =
    init.headers instanceof Headers ? Object.fromEntries(init.headers) : { ...init.headers };
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const request = { target, transport, headers, method: init.method ?? 'POST', body: init.body, url };
  return send(request, agents[target.protocol as 'http:' | 'https:'], signal).catch((error: unknown) => {
    if (!(error instanceof StaleConnectionError) || init.resendable === false) throw error;
    // `agent: false`: a connection of its own, closed after the answer; other pooled ones may be stale too.
    return send(request, false, signal);
  });
}

/** Where a pooled connection's byte count stood when the last answer read on it ended. */
const readThroughLastAnswer = Symbol('readThroughLastAnswer');
type AnsweredSocket = Socket & { [readThroughLastAnswer]?: number };

interface Outgoing {
  target: URL;
  transport: typeof http | typeof https;
  headers: Record<string, string>;
  method: string;
  body: string | undefined;
  url: string;
}

function send(
  { target, transport, headers, method, body, url }: Outgoing,
  agent: http.Agent | false,
  signal: AbortSignal,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let answered = false;
    const request = transport.request(target, { method, headers, agent, signal }, (response) => {
      answered = true;
      const socket = response.socket as AnsweredSocket;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        // The connection may be back in the pool already; nothing can have been read on it since.
        socket[readThroughLastAnswer] = socket.bytesRead;
        const raw = Buffer.concat(chunks);
        const encoding = response.headers['content-encoding']?.trim().toLowerCase();
        const decode = encoding ? decoders[encoding] : undefined;
        (decode ? decode(raw) : Promise.resolve(raw)).then((decoded) => {
          const status = response.statusCode ?? 0;
          const list: [string, string][] = [];
          for (let i = 0; i < response.rawHeaders.length; i += 2)
            list.push([response.rawHeaders[i]!.toLowerCase(), response.rawHeaders[i + 1]!]);
          resolve({
            status,
            statusText: response.statusMessage ?? '',
            // The body was decoded here: its encoding and length no longer describe it.
            headers: list.filter(([name]) => name !== 'content-encoding' && name !== 'content-length'),
            body: status === 204 || status === 304 ? null : decoded.toString('utf8'),
            url,
          });
        }, reject);
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const socket = request.socket as AnsweredSocket | null;
      const stale =
        request.reusedSocket &&
        !answered &&
        !signal.aborted &&
        (error.code === 'ECONNRESET' || error.code === 'EPIPE') &&
        // Nothing read since the last answer on this connection ended: not a byte of this one's.
        socket?.[readThroughLastAnswer] !== undefined &&
        socket.bytesRead === socket[readThroughLastAnswer];
      reject(stale ? new StaleConnectionError(error) : error);
    });
    request.end(body);
  });
}
