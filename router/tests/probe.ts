import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProbeHit {
  /** The request's path and query, e.g. `/graphql`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: { query?: string; variables?: unknown };
}

/** JSON to answer with (status 200 unless given; extra headers, e.g. Cache-Control), or `'hang'` to never answer. */
export type ProbeAnswer = { status?: number; json: unknown; headers?: Record<string, string> } | 'hang';

export interface Probe {
  /** URL to configure as a subgraph URL. */
  url: string;
  hits: ProbeHit[];
  close(): Promise<void>;
}

/**
 * A stand-in at a subgraph's address that records what the gateway sends it and answers with `respond`'s
 * choice. It proves what reached the network; it does not imitate a subgraph's behaviour.
 */
export async function startProbe(
  respond: (hit: ProbeHit) => ProbeAnswer = () => ({ json: { data: null } }),
): Promise<Probe> {
  const hits: ProbeHit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const hit: ProbeHit = {
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as ProbeHit['body']) : {},
      };
      hits.push(hit);
      const answer = respond(hit);
      if (answer === 'hang') return;
      res
        .writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers })
        .end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
