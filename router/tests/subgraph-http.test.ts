import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, Client } from 'undici';
import { createSubgraphConnections, postToSubgraph } from '../src/subgraph-http.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/graphql`;
}

describe('posting to a subgraph', () => {
  it('sends the method, headers and body, and reads status, headers and body back', async () => {
    const url = await serve((req, body, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-seen': `${req.method} ${req.headers['x-internal-token']}`,
      });
      res.end(JSON.stringify({ data: { echo: body } }));
    });
    const answer = await postToSubgraph(
      url,
      {
        method: 'POST',
        headers: { 'x-internal-token': 'signed', 'content-type': 'application/json' },
        body: '{"query":"{ a }"}',
      },
      new AbortController().signal,
    );
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(url);
    expect(answer.headers).toContainEqual(['x-seen', 'POST signed']);
    expect(JSON.parse(answer.body!)).toEqual({ data: { echo: '{"query":"{ a }"}' } });
  });

  it('reuses one keep-alive connection for consecutive fetches', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((req, _body, res) => {
      sockets.add(req.socket);
      res.end('{}');
    });
    for (let i = 0; i < 5; i += 1) {
      await postToSubgraph(url, { body: '{}' }, new AbortController().signal);
      // undici hands the connection back to its pool one event-loop turn after the answer ended.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sockets.size).toBe(1);
  });

  it('decodes a gzip-compressed answer and drops the headers that described the encoding', async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync(JSON.stringify({ data: { zipped: true } })));
    });
    const answer = await postToSubgraph(url, { body: '{}' }, new AbortController().signal);
    expect(JSON.parse(answer.body!)).toEqual({ data: { zipped: true } });
    expect(answer.headers.map(([name]) => name)).not.toContain('content-encoding');
  });

  it('hands back a 5xx answer as it is (the fetcher decides what it means)', async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    const answer = await postToSubgraph(url, { body: '{}' }, new AbortController().signal);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 503, body: 'busy' });
  });

  it('rejects when aborted before or during the fetch, and when nothing listens', async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    const pending = postToSubgraph(url, { body: '{}' }, controller.signal);
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow();
    await expect(postToSubgraph(url, { body: '{}' }, AbortSignal.abort())).rejects.toThrow();
    await expect(
      postToSubgraph('http://127.0.0.1:1/graphql', { body: '{}' }, new AbortController().signal),
    ).rejects.toThrow();
  });

  it('closes the connection of an aborted fetch, before or after it was sent, and leaves no listener on the signal', async () => {
    const closed: Promise<void>[] = [];
    const url = await serve((req) => {
      closed.push(new Promise((resolve) => req.socket.once('close', () => resolve())));
    }); // never answers

    const sent = new AbortController();
    const pending = postToSubgraph(url, { body: '{}' }, sent.signal);
    for (let waited = 0; closed.length === 0 && waited < 5_000; waited += 10) await sleep(10);
    sent.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
    await closed[0]; // the subgraph saw the connection go: nothing holds it open for an answer

    const early = new AbortController();
    const queued = postToSubgraph(url, { body: '{}' }, early.signal);
    early.abort(new Error('deadline'));
    await expect(queued).rejects.toThrow('deadline');

    expect(getEventListeners(sent.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(early.signal, 'abort')).toHaveLength(0);
  });

  it('uses undici’s own dispatchers (loaded from their modules, not from undici’s entry point)', async () => {
    const connections = createSubgraphConnections();
    expect(connections).toBeInstanceOf(Agent);
    await connections.close();
    // The fresh connection a stale request is sent again on.
    expect(createRequire(import.meta.url)('undici/lib/dispatcher/client.js')).toBe(Client);
  });
});
