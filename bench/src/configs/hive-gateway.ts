import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// The runtime Hive Gateway's CLI (@graphql-hive/gateway) re-exports as createGatewayRuntime, imported from its
// own package: this process then holds the gateway, not the CLI's other plugins (~145 MB less resident memory).
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { NO_COUNTERS, type RunningServer } from './running.ts';

export interface HiveGatewayOptions {
  /** The supergraph with this run's subgraph URLs (see supergraph-sdl.ts). */
  supergraphSdl: string;
  /**
   * The signed identity subgraphs require on every fetch, and where it goes: the harness's own (`value`), or
   * (no `value`: the traffic mix, many callers) the one each client sends in that header, forwarded as is.
   */
  internalToken: { header: string; value?: () => Promise<string> };
  /** Hive Router's Rust query planner and executor (`@graphql-hive/router-runtime`) instead of the default. */
  rustPlanner?: boolean;
  /**
   * Hive Gateway shares one subgraph fetch among identical ones in flight (same URL, body and headers) — the
   * `deduplicateInflightRequests` option of its HTTP transport (@graphql-tools/executor-http), on by default.
   * False is configuration D'.
   */
  deduplicateInflightRequests: boolean;
}

/**
 * Configurations D and D': Hive Gateway's runtime with its defaults, serving the committed supergraph. No
 * usage reporting: that needs a `reporting` option (Hive token or GraphOS key), and none is given.
 */
export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningServer> {
  const { header, value } = options.internalToken;
  const runtime = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    propagateHeaders: {
      fromClientToSubgraphs: async ({ request }) => ({
        [header]: value ? await value() : (request.headers.get(header) ?? ''),
      }),
    },
    ...(options.rustPlanner
      ? { unifiedGraphHandler: (await import('@graphql-hive/router-runtime')).unifiedGraphHandler }
      : {}),
    ...(options.deduplicateInflightRequests
      ? {}
      : { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } }),
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${runtime.graphqlEndpoint}`,
    ...NO_COUNTERS,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
