import { round, spread, type Spread } from '../stats.ts';
import { MIX_CONFIGURATIONS, type MixConfigId } from './configurations.ts';
import type { MixOpId } from './operations.ts';
import type { MixRun, MixSample } from './run.ts';

type Rounded = { median: number | null; min: number | null; max: number | null };
const rounded = (value: Spread, digits = 2): Rounded => ({
  median: round(value.median, digits),
  min: round(value.min, digits),
  max: round(value.max, digits),
});

export interface MixConfigSummary {
  config: MixConfigId;
  rounds: number;
  requestsPerSecond: Rounded;
  latencyMs: { p50: Rounded; p95: Rounded; p99: Rounded };
  errors: number;
  cpuMsPerRequest: { gateway: Rounded; subgraphs: Rounded; total: Rounded; loadGenerator: Rounded };
  /** Peak RSS of the configuration's gateway process over the whole mix run (null for B). */
  gatewayPeakRssMB: number | null;
  subgraphFetchesPerRequest: Rounded;
  sqlPerRequest: Rounded;
  /** From lone requests: subgraph fetches and SQL statements per operation of the mix. */
  perOperation: Partial<Record<MixOpId, { subgraphFetches: number; sql: number }>>;
}

export interface MixTable {
  database: MixRun['database'];
  dataset: MixRun['dataset'];
  configs: MixConfigSummary[];
  soak: MixRun['soak'];
  writes: MixRun['writes'];
  /** Problems that make the table invalid: wrong answers, wrong writes, unsettled windows, outbound. */
  problems: string[];
}

export interface MixHeadline {
  mixCpuVsHive: number | null;
  mixCpuVsHiveRust: number | null;
  mixCpuVsBareApollo: number | null;
  mixThroughputVsHive: number | null;
  mixGatewayTax: number | null;
  mixP99OverP50: number | null;
}

/** An issue 23 goal for a headline key, and whether this run's median meets it (null: not measured). */
export interface HeadlineGoal {
  atLeast?: number;
  atMost?: number;
  met: boolean | null;
}

export interface MixHeadlineDetail {
  value: number | null;
  definition: string;
  basis?: string;
  spread?: { min: number | null; max: number | null };
  goal?: HeadlineGoal;
}

/** Issue 23's goals for the mix's headline keys (and for the gateway's peak RSS). */
export const MIX_GOALS = {
  mixCpuVsHive: { atLeast: 2 },
  mixCpuVsHiveRust: { atLeast: 1.3 },
  mixCpuVsBareApollo: { atLeast: 1.5 },
  mixThroughputVsHive: { atLeast: 1.3 },
  mixGatewayTax: { atLeast: 0.6 },
  mixP99OverP50: { atMost: 3 },
  gatewayRssMB: { atMost: 200 },
} as const;

/** `detail` with its goal, judged on its median. */
export function withGoal<T extends { value: number | null }>(
  detail: T,
  bound: { atLeast: number } | { atMost: number },
): T & { goal: HeadlineGoal } {
  const { value } = detail;
  const met = value === null ? null : 'atLeast' in bound ? value >= bound.atLeast : value <= bound.atMost;
  return { ...detail, goal: { ...bound, met } };
}

/** Per round, X's value ÷ Y's (both measured in that round), then the median and spread over rounds. */
function perRound(
  samples: readonly MixSample[],
  x: MixConfigId,
  y: MixConfigId,
  pick: (sample: MixSample) => number,
): Spread | undefined {
  const ratios = samples
    .filter((s) => s.config === x)
    .flatMap((sx) => {
      const sy = samples.find((s) => s.config === y && s.round === sx.round);
      return sy ? [pick(sx) / pick(sy)] : [];
    });
  return ratios.length ? spread(ratios) : undefined;
}

export function summariseMix(run: MixRun): MixTable {
  const serverOf = (id: MixConfigId) => MIX_CONFIGURATIONS.find((config) => config.id === id)!.server;
  const configs = MIX_CONFIGURATIONS.filter(({ id }) => run.samples.some((s) => s.config === id)).map(
    ({ id }): MixConfigSummary => {
      const samples = run.samples.filter((s) => s.config === id);
      const of = (pick: (sample: MixSample) => number, digits = 2) =>
        rounded(spread(samples.map(pick)), digits);
      const server = serverOf(id);
      const perOperation: MixConfigSummary['perOperation'] = {};
      for (const probe of run.probes.filter((p) => p.config === id))
        perOperation[probe.op] = { subgraphFetches: probe.subgraphFetches, sql: probe.sql };
      return {
        config: id,
        rounds: samples.length,
        requestsPerSecond: of((s) => s.requestsPerSecond, 1),
        latencyMs: {
          p50: of((s) => s.latencyMs.p50),
          p95: of((s) => s.latencyMs.p95),
          p99: of((s) => s.latencyMs.p99),
        },
        errors: samples.reduce((sum, s) => sum + s.errors.total, 0),
        cpuMsPerRequest: {
          gateway: of((s) => s.cpuMsPerRequest.gateway, 3),
          subgraphs: of((s) => s.cpuMsPerRequest.subgraphs, 3),
          total: of((s) => s.cpuMsPerRequest.total, 3),
          loadGenerator: of((s) => s.cpuMsPerRequest.loadGenerator, 3),
        },
        gatewayPeakRssMB:
          server && run.peakRssMB[server] !== undefined ? round(run.peakRssMB[server], 1) : null,
        subgraphFetchesPerRequest: of((s) => s.subgraphFetchesPerRequest, 3),
        sqlPerRequest: of((s) => s.sqlPerRequest, 3),
        perOperation,
      };
    },
  );
  const problems: string[] = [];
  for (const config of configs)
    if (config.errors > 0)
      problems.push(`mix (${run.database}) ${config.config}: ${config.errors} failed requests`);
  for (const probe of run.probes)
    if (probe.problems.length)
      problems.push(
        `mix (${run.database}) ${probe.config} ${probe.op}: ${probe.problems.join('; ').slice(0, 300)}`,
      );
  for (const sample of run.samples)
    if (!sample.settled)
      problems.push(
        `mix (${run.database}) ${sample.config} round ${sample.round}: servers still busy 30 s after the clients stopped`,
      );
  for (const problem of run.writes.problems) problems.push(`mix (${run.database}) writes: ${problem}`);
  if ('errors' in run.soak && run.soak.errors.total > 0)
    problems.push(`mix (${run.database}) soak: ${run.soak.errors.total} failed requests`);
  for (const [name, attempts] of Object.entries(run.outbound))
    if (attempts.length) problems.push(`mix (${run.database}) ${name} tried to reach beyond loopback`);
  return {
    database: run.database,
    dataset: run.dataset,
    configs,
    soak: run.soak,
    writes: run.writes,
    problems,
  };
}

/** The headline keys, from one run of the mix (the PostgreSQL one when there is one). */
export function mixHeadline(run: MixRun | undefined): Record<keyof MixHeadline, MixHeadlineDetail> {
  const samples = run?.samples ?? [];
  const where = run ? `the mix on ${run.database}` : 'the mix (not run)';
  const ratio = (
    x: MixConfigId,
    y: MixConfigId,
    pick: (sample: MixSample) => number,
    definition: string,
  ): MixHeadlineDetail => {
    const value = perRound(samples, x, y, pick);
    if (!value) return { value: null, definition, basis: `${x} or ${y} not measured on ${where}` };
    return {
      value: round(value.median, 3),
      definition,
      basis: `${x} ÷ ${y} per round on ${where}`,
      spread: { min: round(value.min, 3), max: round(value.max, 3) },
    };
  };
  const gatewayCpu = (sample: MixSample) => sample.cpuMsPerRequest.gateway;
  const rps = (sample: MixSample) => sample.requestsPerSecond;
  const tails = samples.filter((s) => s.config === 'A').map((s) => s.latencyMs.p99 / s.latencyMs.p50);
  const tail = tails.length ? spread(tails) : undefined;
  const details = {
    mixCpuVsHive: ratio(
      'D',
      'A',
      gatewayCpu,
      'gateway CPU ms per request on the mix: Hive Gateway (D, sent text) ÷ ours (A, sent trusted-document ids as web/ sends them); >1: ours spends less',
    ),
    mixCpuVsHiveRust: ratio(
      'D-rust',
      'A',
      gatewayCpu,
      'gateway CPU ms per request on the mix: Hive Gateway with its Rust planner (D-rust, sent text) ÷ ours (A, sent ids)',
    ),
    mixCpuVsBareApollo: ratio(
      'E',
      'A',
      gatewayCpu,
      'gateway CPU ms per request on the mix: bare Apollo Gateway (E, sent text) ÷ ours (A, sent ids), all our hardening on',
    ),
    mixThroughputVsHive: ratio(
      'A',
      'D',
      rps,
      'requests/s on the mix: ours (A, sent ids) ÷ Hive Gateway (D, sent text)',
    ),
    mixGatewayTax: ratio(
      'A',
      'B',
      rps,
      'requests/s on the mix: ours (A, sent ids) ÷ the subgraphs called directly (B)',
    ),
    mixP99OverP50: tail
      ? {
          value: round(tail.median, 2),
          definition: 'p99 ÷ p50 latency of A (sent ids) on the mix at the run’s connections',
          basis: `A per round on ${where}`,
          spread: { min: round(tail.min, 2), max: round(tail.max, 2) },
        }
      : { value: null, definition: 'p99 ÷ p50 latency of A on the mix', basis: `A not measured on ${where}` },
  };
  return {
    mixCpuVsHive: withGoal(details.mixCpuVsHive, MIX_GOALS.mixCpuVsHive),
    mixCpuVsHiveRust: withGoal(details.mixCpuVsHiveRust, MIX_GOALS.mixCpuVsHiveRust),
    mixCpuVsBareApollo: withGoal(details.mixCpuVsBareApollo, MIX_GOALS.mixCpuVsBareApollo),
    mixThroughputVsHive: withGoal(details.mixThroughputVsHive, MIX_GOALS.mixThroughputVsHive),
    mixGatewayTax: withGoal(details.mixGatewayTax, MIX_GOALS.mixGatewayTax),
    mixP99OverP50: withGoal(details.mixP99OverP50, MIX_GOALS.mixP99OverP50),
  };
}
