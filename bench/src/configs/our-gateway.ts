import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRouter } from '@supergraph/router/server';
import { loadEnv } from '@supergraph/router/env';
import { configureGatewayHeap } from '@supergraph/router/heap';
import { installResultShaping } from '@supergraph/router/result-shaping';
import { installOperationMemo } from '@supergraph/router/operation-memo';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import type { BenchSecrets } from '../auth.ts';
import type { SubgraphName } from '../configurations.ts';
import { benchManifest } from '../operations.ts';
import { NO_COUNTERS, type RunningServer } from './running.ts';

export interface OurGatewayOptions {
  secrets: BenchSecrets;
  subgraphUrls: Record<SubgraphName, string>;
  logLevel: string;
  /** Extra router configuration; the defaults are production-like. */
  env?: Record<string, string>;
}

/**
 * Configuration A: our gateway exactly as shipped (`buildRouter` with its own env parsing), configured as in
 * production except that the rate limit is too high to interfere and counters stay in-process (no Redis).
 */
export async function startOurGateway(options: OurGatewayOptions): Promise<RunningServer> {
  const env = loadEnv({
    ...options.secrets,
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel,
    PORT: '0',
    SUBGRAPH_USERS_URL: options.subgraphUrls.users,
    SUBGRAPH_ORDERS_URL: options.subgraphUrls.orders,
    SUBGRAPH_CATALOG_URL: options.subgraphUrls.catalog,
    RATE_LIMIT_POINTS: String(1_000_000_000),
    // Clients send text (production enforces trusted documents; A+ids measures that, see startOurGatewayById).
    TRUSTED_DOCUMENTS: 'off',
    ...options.env,
  });
  const logger = createLogger('gateway', options.logLevel);
  // As router/src/index.ts does (the young-generation cap comes with the process: servers.ts, nodeFlagsFor).
  configureGatewayHeap(env.HEAP_GROWING_PERCENT, logger);
  installResultShaping(env.RESULT_SHAPING, logger);
  installOperationMemo(logger);
  const router = buildRouter(env, logger);
  await router.start();
  const server = await listen(router.app, 0, '127.0.0.1');
  // Subscriptions over WebSocket, as router/src/index.ts serves them (the subscriptions scenario uses them).
  router.attach(server.server);
  return {
    url: `${server.url}/graphql`,
    ...NO_COUNTERS,
    async stop() {
      await router.drainSubscriptions();
      await server.close(1_000);
      await router.stop();
    },
  };
}

/**
 * A+ids (and the mix's A): our gateway enforcing trusted documents, as in production, with a manifest of the
 * bench's operations (clients send their ids).
 */
export async function startOurGatewayById(
  options: OurGatewayOptions,
  manifest: object = benchManifest(),
): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-manifest-'));
  const manifestPath = join(dir, 'persisted-query-manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest));
  const running = await startOurGateway({
    ...options,
    env: { ...options.env, TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_MANIFEST: manifestPath },
  });
  return {
    ...running,
    async stop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
