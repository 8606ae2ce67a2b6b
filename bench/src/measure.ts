import { setTimeout as sleep } from 'node:timers/promises';
import { SUBGRAPHS, type ConfigId, type Configuration } from './configurations.ts';
import { backendsOf, type Harness, type ServerHandle } from './harness.ts';
import { runLoad, type LoadResult } from './load.ts';
import { requestBody, type Operation, type OperationId } from './operations.ts';
import { countedServers, sqlByDatabase } from './probe.ts';
import type { ProcessStats } from './process/messages.ts';
import { quantile } from './stats.ts';

const cpuMs = (before: ProcessStats, after: ProcessStats) =>
  (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1_000;

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
}

/**
 * Waits until every one of `servers` is idle (under 5% of a core over 50 ms), at most `timeoutMs`; false when
 * they never were. Clients stop mid-request: the requests then in flight still run in the gateway and the
 * subgraphs, and must finish inside the window they belong to, not in the next cell's.
 */
export async function settle(servers: readonly ServerHandle[], timeoutMs = 30_000): Promise<boolean> {
  const intervalMs = 50;
  const deadline = Date.now() + timeoutMs;
  let previous = await Promise.all(servers.map((server) => server.stats()));
  while (Date.now() < deadline) {
    await sleep(intervalMs);
    const current = await Promise.all(servers.map((server) => server.stats()));
    const busy = current.some((stats, index) => cpuMs(previous[index]!, stats) > intervalMs * 0.05);
    if (!busy) return true;
    previous = current;
  }
  return false;
}

/** One measurement of one cell (operation, N, configuration) in one round. */
export interface CellSample {
  config: ConfigId;
  op: OperationId;
  n: number;
  round: number;
  elapsedMs: number;
  responses: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: { total: number; non200: number; wrongBody: number; connectionErrors: number; timeouts: number };
  badResponses: LoadResult['samples'];
  /** Requests the front server received in the window (responses plus those in flight at the end). */
  requestsReceived: number;
  /** False when the servers were still busy 30 s after the clients stopped (the window then closed anyway). */
  settled: boolean;
  /**
   * CPU time per received request: of the process clients talk to (`front`: the gateway; the users subgraph for
   * B, the monolith for C), of the subgraph processes behind it, both, and of the load generator.
   */
  cpuMsPerRequest: { front: number; subgraphs: number; total: number; loadGenerator: number };
  /** Requests that reached the subgraphs per received request (lower than a probe's when a gateway deduplicates). */
  subgraphFetchesPerRequest: number | null;
  sqlPerRequest: number;
  frontRssMB: number;
}

/**
 * Puts `settings.connections` clients on `config` for `settings.durationSeconds`, checking every response
 * against `expectedBody`, and reads every involved process's CPU time and counters before and after.
 */
export async function measureCell(
  harness: Harness,
  config: Configuration,
  op: Operation,
  n: number,
  round: number,
  expectedBody: string,
  settings: LoadSettings,
): Promise<CellSample> {
  const ids = countedServers(config);
  const servers = ids.map((id) => harness.server(id));
  await Promise.all(servers.map((server) => server.resetCounters()));
  const headers = await harness.headers(config);
  const statsOf = () => Promise.all(servers.map((server) => server.stats()));

  const before = await statsOf();
  const loadCpuBefore = process.cpuUsage();
  const result = await runLoad({
    url: harness.server(config.server).url,
    headers,
    body: requestBody(op, n, config.byId),
    expectedBody,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
  });
  const settled = await settle(servers);
  const loadCpu = process.cpuUsage(loadCpuBefore);
  const after = await statsOf();

  const delta = (id: string) => {
    const index = ids.indexOf(id as (typeof ids)[number]);
    return { before: before[index]!, after: after[index]! };
  };
  const front = delta(config.server);
  const received = Math.max(1, front.after.httpRequests - front.before.httpRequests);
  const backends = backendsOf(config).map(delta);
  const frontCpu = cpuMs(front.before, front.after);
  const backendCpu = backends.reduce((sum, { before: b, after: a }) => sum + cpuMs(b, a), 0);
  const subgraphs = config.usesSubgraphs ? SUBGRAPHS.map(delta) : [];
  const fetches = subgraphs.reduce(
    (sum, { before: b, after: a }) => sum + a.counters.graphqlRequests - b.counters.graphqlRequests,
    0,
  );
  // Counters were reset just before `before` was read, so `after` holds the window's statements.
  const sql = sqlByDatabase(after).total - sqlByDatabase(before).total;
  const errors = {
    non200: result.non200,
    wrongBody: result.wrongBody,
    connectionErrors: result.connectionErrors,
    timeouts: result.timeouts,
  };
  return {
    config: config.id,
    op: op.id,
    n,
    round,
    elapsedMs: result.elapsedMs,
    responses: result.responses,
    requestsPerSecond: result.ok / (result.elapsedMs / 1_000),
    latencyMs: {
      p50: quantile(result.latenciesMs, 0.5),
      p95: quantile(result.latenciesMs, 0.95),
      p99: quantile(result.latenciesMs, 0.99),
      max: quantile(result.latenciesMs, 1),
    },
    errors: { total: Object.values(errors).reduce((a, b) => a + b, 0), ...errors },
    badResponses: result.samples,
    requestsReceived: received,
    settled,
    cpuMsPerRequest: {
      front: frontCpu / received,
      subgraphs: backendCpu / received,
      total: (frontCpu + backendCpu) / received,
      loadGenerator: (loadCpu.user + loadCpu.system) / 1_000 / Math.max(1, result.responses),
    },
    subgraphFetchesPerRequest: config.usesSubgraphs ? fetches / received : null,
    sqlPerRequest: sql / received,
    frontRssMB: front.after.rssBytes / 2 ** 20,
  };
}
