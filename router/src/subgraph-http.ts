import http from 'node:http';
import https from 'node:https';
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

// No cap on sockets per subgraph, as undici's default dispatcher: a cap would queue fetches behind each other
// inside the gateway, where no timeout or metric sees them wait.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

const decoders: Record<string, (body: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

export interface PostInit {
  method?: string | undefined;
  headers?: Record<string, string> | Headers | undefined;
  body?: string | undefined;
}

export function postToSubgraph(url: string, init: PostInit, signal: AbortSignal): Promise<BufferedResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  const headers: Record<string, string> =
    init.headers instanceof Headers ? Object.fromEntries(init.headers) : { ...init.headers };
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const request = transport.request(
      target,
      {
        method: init.method ?? 'POST',
        headers,
        agent: agents[target.protocol as 'http:' | 'https:'],
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = response.headers['content-encoding']?.trim().toLowerCase();
          const decode = encoding ? decoders[encoding] : undefined;
          (decode ? decode(raw) : Promise.resolve(raw)).then((body) => {
            const status = response.statusCode ?? 0;
            const list: [string, string][] = [];
            for (let i = 0; i < response.rawHeaders.length; i += 2)
              list.push([response.rawHeaders[i]!.toLowerCase(), response.rawHeaders[i + 1]!]);
            resolve({
              status,
              statusText: response.statusMessage ?? '',
              // The body was decoded here: its encoding and length no longer describe it.
              headers: list.filter(([name]) => name !== 'content-encoding' && name !== 'content-length'),
              body: status === 204 || status === 304 ? null : body.toString('utf8'),
              url,
            });
          }, reject);
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}
