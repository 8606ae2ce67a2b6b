import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { eventually, loggedUrl, testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What an OTLP/HTTP collector receives (JSON encoding), reduced to what the test reads. */
interface ExportedSpan {
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}
interface TraceExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: ExportedSpan[] }[];
  }[];
}

const SPAN_KIND_SERVER = 2;

let collector: Server;
const exports: TraceExport[] = [];
let gateway: ChildProcess;
let gatewayUrl: string;
const output: string[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(Buffer.concat(chunks).toString()) as TraceExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const { port: collectorPort } = collector.address() as { port: number };

  // The gateway as it runs in production: its own process, its tracing.ts imported first by index.ts. On
  // port 0: its "gateway ready" line says where it listens, so no other process can answer in its place.
  gateway = spawn(process.execPath, ['src/index.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      PATH: process.env['PATH'],
      ...testSecrets(),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      LOG_FLUSH_MS: '0',
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
      // The SDK's standard variable: export every 100 ms instead of every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  gateway.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await eventually(
    () => {
      if (gateway.exitCode !== null) throw new Error(`the gateway exited:\n${output.join('')}`);
      const url = loggedUrl(output.join(''), 'gateway ready');
      expect(url, 'the gateway has not logged "gateway ready"').toBeDefined();
      gatewayUrl = url!.replace(/\/graphql$/, '');
    },
    { timeoutMs: 60_000 },
  );
}, 90_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    gateway.kill('SIGKILL');
    await once(gateway, 'exit');
  }
  collector?.close();
});

describe('a gateway process started with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  // The SDK loads only when an endpoint is set (service-kit/src/tracing): this proves that loading it then
  // still hooks `http` and `graphql` before the gateway imports them.
  it('exports its HTTP server span and graphql-js spans for a request', async () => {
    const response = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });

    await eventually(
      () => {
        const resources = exports.flatMap((batch) => batch.resourceSpans);
        const serviceNames = resources.flatMap((resource) =>
          resource.resource.attributes
            .filter((a) => a.key === 'service.name')
            .map((a) => a.value.stringValue),
        );
        const spans = resources.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
        const graphqlServer = spans.find(
          (span) =>
            span.kind === SPAN_KIND_SERVER &&
            span.attributes.some((a) => a.value.stringValue?.includes('/graphql')),
        );

        expect(new Set(serviceNames)).toEqual(new Set(['gateway']));
        expect(graphqlServer?.name).toBe('POST');
        expect(spans.map((span) => span.name)).toEqual(
          expect.arrayContaining(['graphql.parse', 'graphql.validate']),
        );
      },
      { timeoutMs: 20_000 },
    );
  });
});
