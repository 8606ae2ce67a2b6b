import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERNAL_TOKEN_HEADER, signAccessToken, signInternalToken } from '@supergraph/service-kit/auth';
import { benchSecrets } from '../auth.ts';
import { SUBGRAPHS, subgraphUrlsOf } from '../configurations.ts';
import { createBenchDatabases } from '../databases.ts';
import { buildDataset, MIX_DATASET, type DatasetUser } from '../dataset.ts';
import { settle } from '../measure.ts';
import { sqlByDatabase } from '../probe.ts';
import type { OutboundAttempt } from '../process/loopback-guard.ts';
import type { ProcessStats } from '../process/messages.ts';
import { spawnServer, type ServerProcess } from '../process/pool.ts';
import type { GatewaySpec } from '../servers.ts';
import { quantile } from '../stats.ts';
import { callersOf } from './callers.ts';
import { mixConfiguration, type MixConfigId, type MixConfiguration } from './configurations.ts';
import { Agents, runMixLoad, sendMixRequest, type MixLoadResult, type MixTarget } from './load.ts';
import { MIX_OPERATIONS, type MixOpId } from './operations.ts';
import { createMixSource } from './source.ts';
import { READ_BACK_QUERY, WriteLedger, type ReadBackOrder } from './writes.ts';

export interface MixOptions {
  configs: MixConfigId[];
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Zero-error soak of A on the mix (0: none). */
  soakSeconds: number;
  logLevel: string;
  /** Router configuration of A+cache (response cache on, where it keeps answers). */
  cacheEnv: Record<string, string>;
}

/** One configuration's measurement in one round of the mix. */
export interface MixSample {
  config: MixConfigId;
  round: number;
  elapsedMs: number;
  sent: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: MixLoadResult['errors'];
  perOp: MixLoadResult['perOp'];
  badResponses: MixLoadResult['samples'];
  settled: boolean;
  /** CPU ms per request: the gateway process (0 for B), the three subgraphs, and the load generator. */
  cpuMsPerRequest: { gateway: number; subgraphs: number; total: number; loadGenerator: number };
  subgraphFetchesPerRequest: number;
  sqlPerRequest: number;
}

/** A lone request of one operation on one configuration: checked, and exactly what it cost downstream. */
export interface MixProbe {
  config: MixConfigId;
  op: MixOpId;
  problems: string[];
  subgraphFetches: number;
  sql: number;
}

export interface MixRun {
  database: 'postgres' | 'pglite';
  dataset: {
    users: number;
    orders: number;
    products: number;
    admins: number;
    readers: number;
    writers: number;
  };
  samples: MixSample[];
  probes: MixProbe[];
  /** Peak RSS of every process of the run, MB, by server (`gateway-ours-mix-ids` is A). */
  peakRssMB: Record<string, number>;
  soak:
    | {
        seconds: number;
        sent: number;
        requestsPerSecond: number;
        errors: MixLoadResult['errors'];
        latencyMs: MixSample['latencyMs'];
      }
    | { skipped: string };
  /** Every order read back after the run against what the answered writes say. */
  writes: { placed: number; cancelled: number; unknown: number; ordersReadBack: number; problems: string[] };
  outbound: Record<string, OutboundAttempt[]>;
}

const cpuMs = (before: ProcessStats, after: ProcessStats) =>
  (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1_000;

const latencyOf = (latencies: Float64Array) => ({
  p50: quantile(latencies, 0.5),
  p95: quantile(latencies, 0.95),
  p99: quantile(latencies, 0.99),
  max: quantile(latencies, 1),
});

/** Each configuration first in one round: rotated by one per round (as plan.ts does for the operations). */
const rotated = <T>(list: readonly T[], by: number) => {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
};

/**
 * The traffic mix on one database: fresh databases seeded with 1,000 users and the catalogue, the three
 * subgraphs and every chosen gateway in processes of their own, a checked lone request of every operation on every configuration, warm-up,
 * interleaved rounds, the soak, then every order read back and checked against the writes that were answered.
 */
export async function runMix(
  options: MixOptions,
  databaseUrl: string | undefined,
  log: (line: string) => void,
): Promise<MixRun> {
  const runId = `mix_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const logDir = join(tmpdir(), `supergraph-bench-${runId}`);
  const dataset = buildDataset(MIX_DATASET);
  const callers = callersOf(dataset);
  const secrets = benchSecrets();
  const databases = await createBenchDatabases(databaseUrl, runId);
  const processes = new Map<string, ServerProcess>();
  let refresh: NodeJS.Timeout | undefined;
  let failed = false;
  try {
    log(`mix on ${databases.kind}: starting servers (logs: ${logDir})`);
    const spawn = async (name: string, spec: Parameters<typeof spawnServer>[1]) => {
      processes.set(name, await spawnServer(name, spec, { logDir }));
    };
    await Promise.all(
      SUBGRAPHS.map((name) =>
        spawn(name, {
          server: name,
          subgraph: {
            name,
            secrets,
            database: databases[name],
            seed: MIX_DATASET,
            nodeEnv: 'production',
            logLevel: options.logLevel,
          },
        }),
      ),
    );
    const subgraphUrls = subgraphUrlsOf(processes);
    const configs = options.configs.map(mixConfiguration);
    const gateway: GatewaySpec = {
      secrets,
      subgraphUrls,
      logLevel: options.logLevel,
      identity: null,
      internalTokenHeader: INTERNAL_TOKEN_HEADER,
      cacheEnv: options.cacheEnv,
      forwardClientToken: true,
    };
    await Promise.all(configs.flatMap(({ server }) => (server ? [spawn(server, { server, gateway })] : [])));
    log(`  ${processes.size} processes ready`);

    // Every user holds its own access token (for our gateway) and its own signed internal token (for the
    // bare gateways and B), re-signed every 20 s: internal tokens live 60 s. Anonymous requests send none
    // to our gateway, and an anonymous internal token to the others.
    const bearer = new Map<string, Record<string, string>>();
    for (const user of dataset.users) {
      const token = await signAccessToken(
        { userId: user.id, role: user.role },
        { secret: secrets.JWT_SECRET, ttlSeconds: 12 * 3600 },
      );
      bearer.set(user.id, { authorization: `Bearer ${token}` });
    }
    const internal = new Map<string | null, Record<string, string>>();
    const signAll = async () => {
      for (const user of dataset.users) {
        const token = await signInternalToken({ userId: user.id, role: user.role }, secrets.INTERNAL_SECRET);
        internal.set(user.id, { [INTERNAL_TOKEN_HEADER]: token });
      }
      // An anonymous caller: what a gateway signs for a request without an access token.
      internal.set(null, { [INTERNAL_TOKEN_HEADER]: await signInternalToken(null, secrets.INTERNAL_SECRET) });
    };
    await signAll();
    refresh = setInterval(() => void signAll(), 20_000);
    const targetOf = (config: MixConfiguration): MixTarget => {
      const headersOf = (caller: DatasetUser | null) =>
        config.auth === 'bearer' ? (caller ? bearer.get(caller.id)! : {}) : internal.get(caller?.id ?? null)!;
      return config.server
        ? { kind: 'gateway', url: processes.get(config.server)!.url, byId: config.sends === 'id', headersOf }
        : { kind: 'direct', urls: subgraphUrls, headersOf };
    };
    const ledger = new WriteLedger(callers, dataset.orders);
    const source = createMixSource(callers, ledger);
    const subgraphs = SUBGRAPHS.map((name) => processes.get(name)!);
    const involved = (config: MixConfiguration) =>
      config.server ? [processes.get(config.server)!, ...subgraphs] : subgraphs;

    log(
      `  checking ${configs.length} configurations × ${MIX_OPERATIONS.length} operations with a lone request each`,
    );
    const probes: MixProbe[] = [];
    const agents = new Agents(1);
    for (const config of configs) {
      for (const { id: op } of MIX_OPERATIONS) {
        const request = source.draw(op);
        if (!request) continue;
        await Promise.all(subgraphs.map((server) => server.resetCounters()));
        const sent = await sendMixRequest(targetOf(config), request, ledger, agents);
        const stats = await Promise.all(subgraphs.map((server) => server.stats()));
        probes.push({
          config: config.id,
          op,
          problems: sent.problems,
          subgraphFetches: stats.reduce((sum, s) => sum + s.counters.graphqlRequests, 0),
          sql: sqlByDatabase(stats).total,
        });
        if (sent.problems.length)
          log(`  WRONG ${config.id} ${op}: ${sent.problems.join('; ').slice(0, 500)}`);
      }
    }
    agents.destroy();

    const load = (config: MixConfiguration, seconds: number) =>
      runMixLoad({
        target: targetOf(config),
        source,
        ledger,
        connections: options.connections,
        durationSeconds: seconds,
      });
    if (options.warmupSeconds > 0) {
      log(`  warming up: ${configs.length} × ${options.warmupSeconds} s`);
      for (const config of configs) await load(config, options.warmupSeconds);
      await settle([...processes.values()]);
    }

    const samples: MixSample[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      log(
        `  round ${round}/${options.rounds}: ${configs.length} configurations × ${options.durationSeconds} s`,
      );
      for (const config of rotated(configs, round - 1)) {
        const servers = involved(config);
        await Promise.all(servers.map((server) => server.resetCounters()));
        const before = await Promise.all(servers.map((server) => server.stats()));
        const loadCpu = process.cpuUsage();
        const result = await load(config, options.durationSeconds);
        const settled = await settle(servers);
        const generator = process.cpuUsage(loadCpu);
        const after = await Promise.all(servers.map((server) => server.stats()));
        const requests = Math.max(1, result.sent);
        const offset = config.server ? 1 : 0;
        const gatewayCpu = config.server ? cpuMs(before[0]!, after[0]!) : 0;
        const subgraphCpu = subgraphs.reduce(
          (sum, _server, index) => sum + cpuMs(before[offset + index]!, after[offset + index]!),
          0,
        );
        const fetches = subgraphs.reduce(
          (sum, _server, index) =>
            sum +
            after[offset + index]!.counters.graphqlRequests -
            before[offset + index]!.counters.graphqlRequests,
          0,
        );
        const sample: MixSample = {
          config: config.id,
          round,
          elapsedMs: result.elapsedMs,
          sent: result.sent,
          requestsPerSecond: result.ok / (result.elapsedMs / 1_000),
          latencyMs: latencyOf(result.latenciesMs),
          errors: result.errors,
          perOp: result.perOp,
          badResponses: result.samples,
          settled,
          cpuMsPerRequest: {
            gateway: gatewayCpu / requests,
            subgraphs: subgraphCpu / requests,
            total: (gatewayCpu + subgraphCpu) / requests,
            loadGenerator: (generator.user + generator.system) / 1_000 / requests,
          },
          subgraphFetchesPerRequest: fetches / requests,
          sqlPerRequest: (sqlByDatabase(after).total - sqlByDatabase(before).total) / requests,
        };
        samples.push(sample);
        log(
          `    ${config.id.padEnd(8)} ${sample.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${sample.latencyMs.p99.toFixed(1).padStart(6)} ms` +
            `  gateway CPU ${sample.cpuMsPerRequest.gateway.toFixed(3)} ms/req  subgraphs ${sample.cpuMsPerRequest.subgraphs.toFixed(3)}  errors ${sample.errors.total}`,
        );
        if (sample.errors.total > 0) log(`      bad: ${JSON.stringify(sample.badResponses).slice(0, 600)}`);
      }
    }

    let soak: MixRun['soak'] = { skipped: options.soakSeconds > 0 ? 'A not measured' : 'soak 0' };
    const ours = configs.find((config) => config.id === 'A');
    if (options.soakSeconds > 0 && ours) {
      log(`  soak: A on the mix, ${options.connections} connections for ${options.soakSeconds} s`);
      const result = await load(ours, options.soakSeconds);
      soak = {
        seconds: options.soakSeconds,
        sent: result.sent,
        requestsPerSecond: result.ok / (result.elapsedMs / 1_000),
        errors: result.errors,
        latencyMs: latencyOf(result.latenciesMs),
      };
      log(`    ${result.sent} requests, ${result.errors.total} errors`);
    }
    await settle([...processes.values()]);

    ledger.abandonInFlight();
    const readBack = await readBackOrders(subgraphUrls.orders, internal.get(dataset.admin.id)!);
    const writeProblems = ledger.verify(readBack);
    log(
      `  writes: ${ledger.counts.placed} placed, ${ledger.counts.cancelled} cancelled, ${ledger.counts.unknown} unanswered; ` +
        `${readBack.length} orders read back, ${writeProblems.length} problems`,
    );

    const finalStats = await Promise.all(
      [...processes].map(async ([name, server]) => [name, await server.stats()] as const),
    );
    return {
      database: databases.kind,
      dataset: {
        users: dataset.users.length,
        orders: dataset.orders.length,
        products: dataset.products.length,
        admins: callers.admins.length,
        readers: callers.readers.length,
        writers: callers.writers.length,
      },
      samples,
      probes,
      peakRssMB: Object.fromEntries(finalStats.map(([name, stats]) => [name, stats.maxRssBytes / 2 ** 20])),
      soak,
      writes: { ...ledger.counts, ordersReadBack: readBack.length, problems: writeProblems.slice(0, 20) },
      outbound: Object.fromEntries(finalStats.map(([name, stats]) => [name, stats.outbound])),
    };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (refresh) clearInterval(refresh);
    await Promise.allSettled([...processes.values()].map((server) => server.stop()));
    await databases.drop();
    if (!failed) await rm(logDir, { recursive: true, force: true });
  }
}

/** Every order, newest first, straight from the orders subgraph as an admin, 100 at a time. */
async function readBackOrders(url: string, headers: Record<string, string>): Promise<ReadBackOrder[]> {
  const orders: ReadBackOrder[] = [];
  let after: string | null = null;
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: READ_BACK_QUERY, variables: { after } }),
    });
    const body = (await response.json()) as {
      data?: {
        orders: {
          edges: { node: ReadBackOrder }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
      errors?: unknown;
    };
    if (!body.data) throw new Error(`reading the orders back failed: ${JSON.stringify(body.errors)}`);
    orders.push(...body.data.orders.edges.map((edge) => edge.node));
    if (!body.data.orders.pageInfo.hasNextPage) return orders;
    after = body.data.orders.pageInfo.endCursor;
  }
}
