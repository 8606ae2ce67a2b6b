import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERNAL_TOKEN_HEADER, signInternalToken, type Identity } from '@supergraph/service-kit/auth';
import { benchSecrets } from './auth.ts';
import {
  configuration,
  isSubgraph,
  SUBGRAPHS,
  subgraphUrlsOf,
  type ServerId,
  type SubgraphName,
} from './configurations.ts';
import { createBenchDatabases } from './databases.ts';
import { buildDataset } from './dataset.ts';
import { createHarness, type Harness } from './harness.ts';
import { runLoad } from './load.ts';
import { measureCell, settle, type CellSample } from './measure.ts';
import { operation, requestBody } from './operations.ts';
import type { BenchOptions } from './options.ts';
import { cellsOf, roundSchedule, warmupCells, type Cell } from './plan.ts';
import { probe } from './probe.ts';
import type { OutboundAttempt } from './process/loopback-guard.ts';
import { spawnServer, type ServerProcess } from './process/pool.ts';
import type { ProbeRecord, ReportInput, SoakRecord } from './report.ts';
import type { GatewaySpec, ServerSpec } from './servers.ts';
import { quantile } from './stats.ts';

export interface RunContext {
  /** Progress, one line at a time (the CLI prints it to stderr). */
  log: (line: string) => void;
  /** This process's refused outbound connections so far. */
  outbound: () => OutboundAttempt[];
  cacheNote: string;
  /** Router configuration that turns A+cache's response cache on (see cache-store.ts). */
  cacheEnv: Record<string, string>;
}

const cellName = ({ op, n, config }: Cell) => `${op} N=${n} ${config}`;
const cellKey = ({ op, n, config }: Cell) => `${op}|${n}|${config}`;

/** The front servers the chosen configurations need, besides the subgraphs (always running). */
function frontServers(options: BenchOptions): ServerId[] {
  return [...new Set(options.configs.map((id) => configuration(id).server))].filter((id) => !isSubgraph(id));
}

/**
 * The whole measurement: fresh databases, every server in a process of its own, a checked probe of every cell,
 * warm-up, interleaved rounds, the soak, probes again, then everything stopped and dropped. Returns what the
 * report needs; throws (after cleaning up) when a server cannot start.
 */
export async function runBenchmark(
  options: BenchOptions,
  meta: ReportInput['meta'],
  { log, outbound, cacheNote, cacheEnv }: RunContext,
): Promise<ReportInput> {
  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const logDir = join(tmpdir(), `supergraph-bench-${runId}`);
  const dataset = buildDataset(options.dataset);
  const secrets = benchSecrets();
  const identity: Identity = { userId: dataset.admin.id, role: dataset.admin.role };
  const databases = await createBenchDatabases(options.databaseUrl, runId);
  const processes = new Map<ServerId, ServerProcess>();
  let failed = false;
  try {
    const spawn = async (id: ServerId, spec: ServerSpec, internalToken?: () => Promise<string>) => {
      const started = Date.now();
      processes.set(id, await spawnServer(id, spec, { logDir, ...(internalToken ? { internalToken } : {}) }));
      log(`  ${id} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };
    log(`starting servers (${databases.kind}; server logs: ${logDir})`);
    const subgraph = (name: SubgraphName) =>
      spawn(name, {
        server: name,
        subgraph: {
          name,
          secrets,
          database: databases[name],
          seed: options.dataset,
          nodeEnv: 'production',
          logLevel: options.logLevel,
        },
      });
    const fronts = frontServers(options);
    // The monolith needs nothing from the subgraphs (with PostgreSQL it queries their databases only once
    // probed, after everything is up): it starts alongside them; the gateways need their URLs.
    const monolith = fronts.includes('monolith')
      ? spawn('monolith', {
          server: 'monolith',
          monolith: {
            secrets,
            databases: { users: databases.users, orders: databases.orders, catalog: databases.catalog },
            // PGlite lives inside one process: the monolith seeds its own identical copy. PostgreSQL is shared.
            seed: databases.kind === 'pglite' ? options.dataset : null,
            nodeEnv: 'production',
            logLevel: options.logLevel,
          },
        })
      : Promise.resolve();
    await Promise.all([...SUBGRAPHS.map(subgraph), monolith]);
    const gateway: GatewaySpec = {
      secrets,
      subgraphUrls: subgraphUrlsOf(processes),
      logLevel: options.logLevel,
      identity,
      internalTokenHeader: INTERNAL_TOKEN_HEADER,
      cacheEnv,
    };
    const internalToken = () => signInternalToken(identity, secrets.INTERNAL_SECRET);
    await Promise.all(
      fronts
        .filter((id): id is Exclude<ServerId, SubgraphName | 'monolith'> => id !== 'monolith')
        // Our gateway signs its own tokens per request; the bare ones forward the one the harness signs.
        .map((id) =>
          spawn(id, { server: id, gateway }, id.startsWith('gateway-ours') ? undefined : internalToken),
        ),
    );
    const harness = createHarness(dataset, secrets, processes);
    const cells = cellsOf(options.ops, options.sizes, options.configs);

    log(`checking ${cells.length} cells with a lone request each`);
    const probes: ProbeRecord[] = [];
    const expectedBodies = new Map<string, string>();
    const probeAll = async (phase: ProbeRecord['phase']) => {
      for (const cell of cells) {
        const result = await probe(harness, configuration(cell.config), operation(cell.op), cell.n);
        probes.push({
          ...cell,
          phase,
          problems: result.problems,
          subgraphFetches: result.subgraphFetches,
          sql: result.sql,
        });
        if (result.problems.length > 0)
          log(`  WRONG ${cellName(cell)} (${phase}): ${result.problems.join('; ')}`);
        else if (phase === 'before') expectedBodies.set(cellKey(cell), result.body);
      }
    };
    await probeAll('before');
    const measurable = cells.filter((cell) => expectedBodies.has(cellKey(cell)));
    if (measurable.length < cells.length)
      log(`  ${cells.length - measurable.length} cells answer wrongly: they are not loaded`);

    const settings = { connections: options.connections, durationSeconds: options.durationSeconds };
    const everyServer = [...processes.values()];
    if (options.warmupSeconds > 0) {
      const warmups = warmupCells(measurable);
      log(
        `warming up: ${warmups.length} × ${options.warmupSeconds} s (each configuration on each operation)`,
      );
      for (const cell of warmups) {
        await runLoad({
          url: harness.server(configuration(cell.config).server).url,
          headers: await harness.headers(configuration(cell.config)),
          body: requestBody(operation(cell.op), cell.n, configuration(cell.config).byId),
          expectedBody: expectedBodies.get(cellKey(cell))!,
          connections: options.connections,
          durationSeconds: options.warmupSeconds,
        });
      }
      if (!(await settle(everyServer))) log('  warning: the servers were still busy 30 s after the warm-up');
    }

    const samples: CellSample[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      const schedule = roundSchedule(measurable, round - 1);
      log(`round ${round}/${options.rounds}: ${schedule.length} cells × ${options.durationSeconds} s`);
      for (const [index, cell] of schedule.entries()) {
        const sample = await measureCell(
          harness,
          configuration(cell.config),
          operation(cell.op),
          cell.n,
          round,
          expectedBodies.get(cellKey(cell))!,
          settings,
        );
        samples.push(sample);
        log(
          `  [${index + 1}/${schedule.length}] ${cellName(cell).padEnd(12)} ${sample.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
            `  p99 ${sample.latencyMs.p99.toFixed(1).padStart(6)} ms  front CPU ${sample.cpuMsPerRequest.front.toFixed(2)} ms/req` +
            `  errors ${sample.errors.total}`,
        );
        if (sample.errors.total > 0)
          log(`    bad responses: ${JSON.stringify(sample.badResponses).slice(0, 500)}`);
        if (!sample.settled) log('    warning: the servers were still busy 30 s after the clients stopped');
      }
    }

    const soak = await runSoak(harness, options, expectedBodies, log);
    await settle(everyServer);
    await probeAll('after');

    const finalStats = await Promise.all(
      [...processes].map(async ([id, server]) => [id, await server.stats()] as const),
    );
    return {
      meta,
      samples,
      probes,
      peakRssMB: Object.fromEntries(finalStats.map(([id, stats]) => [id, stats.maxRssBytes / 2 ** 20])),
      soak,
      outbound: {
        ...Object.fromEntries(finalStats.map(([id, stats]) => [id, stats.outbound])),
        'load-generator': outbound(),
      },
      cacheNote,
    };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    log('stopping servers');
    await Promise.allSettled([...processes.values()].map((server) => server.stop()));
    await databases.drop();
    if (!failed) await rm(logDir, { recursive: true, force: true });
  }
}

/** The check: zero errors with 50 concurrent connections for 30 s, on A, O2, N=10. */
async function runSoak(
  harness: Harness,
  options: BenchOptions,
  expectedBodies: ReadonlyMap<string, string>,
  log: RunContext['log'],
): Promise<SoakRecord | { skipped: string }> {
  const cell: Cell = { op: 'O2', n: 10, config: 'A' };
  if (options.soakSeconds <= 0) return { skipped: `--soak 0 (${options.mode} run)` };
  const expectedBody = expectedBodies.get(cellKey(cell));
  if (!expectedBody) return { skipped: 'A on O2 N=10 is not part of this run (or answered wrongly)' };
  log(`soak: ${cellName(cell)}, ${options.connections} connections for ${options.soakSeconds} s`);
  const config = configuration(cell.config);
  const result = await runLoad({
    url: harness.server(config.server).url,
    headers: await harness.headers(config),
    body: requestBody(operation(cell.op), cell.n, config.byId),
    expectedBody,
    connections: options.connections,
    durationSeconds: options.soakSeconds,
  });
  const errors = {
    non200: result.non200,
    wrongBody: result.wrongBody,
    connectionErrors: result.connectionErrors,
    timeouts: result.timeouts,
  };
  const total = Object.values(errors).reduce((a, b) => a + b, 0);
  log(`  ${result.responses} responses, ${total} errors`);
  return {
    ...cell,
    connections: options.connections,
    seconds: options.soakSeconds,
    responses: result.responses,
    requestsPerSecond: result.ok / (result.elapsedMs / 1_000),
    errors: { total, ...errors },
    latencyMs: {
      p50: quantile(result.latenciesMs, 0.5),
      p95: quantile(result.latenciesMs, 0.95),
      p99: quantile(result.latenciesMs, 0.99),
      max: quantile(result.latenciesMs, 1),
    },
  };
}
