import { INTERNAL_TOKEN_HEADER, type Identity } from '@supergraph/service-kit/auth';
import { benchSecrets } from '../src/auth.ts';
import type { RunningServer } from '../src/configs/running.ts';
import { isSubgraph, SUBGRAPHS, subgraphUrlsOf, type ServerId } from '../src/configurations.ts';
import { createBenchDatabases } from '../src/databases.ts';
import { buildDataset, type DatasetOptions } from '../src/dataset.ts';
import { createHarness, type Harness, type ServerHandle } from '../src/harness.ts';
import { startServer, type GatewaySpec } from '../src/servers.ts';

/** A small dataset: enough for N = 10 on every operation. */
export const TINY_DATASET: DatasetOptions = { users: 12, minOrdersPerUser: 5 };

/** A server started in the test's own process, seen through the handle the measuring code uses. */
function handleOf(name: string, server: RunningServer): ServerHandle {
  return {
    name,
    url: server.url,
    resetCounters: async () => server.resetCounters(),
    stats: async () => ({
      pid: process.pid,
      cpuUserUs: 0,
      cpuSystemUs: 0,
      rssBytes: 0,
      maxRssBytes: 0,
      httpRequests: 0,
      counters: server.counters(),
      outbound: [],
    }),
  };
}

/**
 * The benchmark's servers, started in-process from the same specs the benchmark hands its child processes,
 * on fresh databases (PostgreSQL with TEST_DATABASE_URL, else PGlite) seeded with `seed`.
 */
export async function startInProcess(fronts: readonly ServerId[], seed: DatasetOptions = TINY_DATASET) {
  const dataset = buildDataset(seed);
  const secrets = benchSecrets();
  const identity: Identity = { userId: dataset.admin.id, role: dataset.admin.role };
  const databases = await createBenchDatabases(process.env['TEST_DATABASE_URL'], 'benchtest');
  const running = new Map<ServerId, RunningServer>();
  const common = { secrets, nodeEnv: 'production' as const, logLevel: 'silent' };
  try {
    for (const name of SUBGRAPHS) {
      running.set(
        name,
        await startServer({ server: name, subgraph: { ...common, name, database: databases[name], seed } }),
      );
    }
    const gateway: GatewaySpec = {
      secrets,
      subgraphUrls: subgraphUrlsOf(running),
      logLevel: 'silent',
      identity,
      internalTokenHeader: INTERNAL_TOKEN_HEADER,
      cacheEnv: { RESPONSE_CACHE: 'memory' },
    };
    // All in this one process: A's start puts lean result shaping in Apollo's place for every ApolloGateway
    // here, E's included (router/src/result-shaping/install.ts). Answers are the same either way; the benchmark
    // itself starts each server in a process of its own (process/pool.ts), where E keeps Apollo's own.
    for (const id of fronts) {
      if (isSubgraph(id)) continue;
      running.set(
        id,
        id === 'monolith'
          ? await startServer({
              server: 'monolith',
              monolith: { ...common, databases, seed: databases.kind === 'pglite' ? seed : null },
            })
          : await startServer({ server: id, gateway }),
      );
    }
  } catch (error) {
    await Promise.allSettled([...running.values()].map((server) => server.stop()));
    await databases.drop();
    throw error;
  }
  const harness: Harness = createHarness(
    dataset,
    secrets,
    new Map([...running].map(([id, server]) => [id, handleOf(id, server)])),
  );
  return {
    harness,
    dataset,
    async stop() {
      for (const server of [...running.values()].reverse()) await server.stop();
      await databases.drop();
    },
  };
}
