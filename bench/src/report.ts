import { CONFIGURATIONS, configuration, type ConfigId, type ServerId } from './configurations.ts';
import type { CellSample } from './measure.ts';
import type { OperationId } from './operations.ts';
import type { PerSubgraph } from './probe.ts';
import type { OutboundAttempt } from './process/loopback-guard.ts';
import { round, spread, type Spread } from './stats.ts';
import { mixConfiguration } from './mix/configurations.ts';
import {
  MIX_GOALS,
  mixHeadline,
  summariseMix,
  withGoal,
  type HeadlineGoal,
  type MixHeadline,
  type MixTable,
} from './mix/report.ts';
import type { MixRun } from './mix/run.ts';

/** What a run records, before it is summarised. */
export interface ReportInput {
  meta: Record<string, unknown> & { createdAt: string; command: string; mode: 'quick' | 'full' };
  samples: readonly CellSample[];
  probes: readonly ProbeRecord[];
  /** Peak RSS of each server process over the whole run, MB. */
  peakRssMB: Partial<Record<ServerId, number>>;
  soak: SoakRecord | { skipped: string };
  /** Connections each process tried to open beyond loopback (refused). */
  outbound: Record<string, readonly OutboundAttempt[]>;
  /** What the cache speed-up means in this run, or why there is none. */
  cacheNote: string;
  /** The traffic mix, once per database (PostgreSQL first: the headline's); empty when not run. */
  mix?: readonly MixRun[];
}

export interface ProbeRecord {
  config: ConfigId;
  op: OperationId;
  n: number;
  phase: 'before' | 'after';
  problems: string[];
  subgraphFetches: PerSubgraph | null;
  sql: PerSubgraph;
}

export interface SoakRecord {
  config: ConfigId;
  op: OperationId;
  n: number;
  connections: number;
  seconds: number;
  responses: number;
  requestsPerSecond: number;
  errors: CellSample['errors'];
  latencyMs: CellSample['latencyMs'];
}

type Rounded = { median: number | null; min: number | null; max: number | null };

export interface CellSummary {
  config: ConfigId;
  op: OperationId;
  n: number;
  rounds: number;
  requestsPerSecond: Rounded;
  latencyMs: { p50: Rounded; p95: Rounded; p99: Rounded };
  errors: CellSample['errors'];
  cpuMsPerRequest: { front: Rounded; subgraphs: Rounded; total: Rounded; loadGenerator: Rounded };
  /** Peak RSS of the process clients talk to (the gateway, or B's subgraph, or the monolith), over the run. */
  frontPeakRssMB: number | null;
  /** From a lone request: exact. */
  subgraphFetchesPerOp: number | null;
  /** Under load: lower than the lone request's when a gateway shares identical fetches in flight. */
  subgraphFetchesPerOpUnderLoad: Rounded | null;
  sqlPerOp: PerSubgraph | null;
  sqlPerOpUnderLoad: Rounded;
}

export interface RatioSummary {
  op: OperationId;
  n: number;
  /** A's requests/s divided by this configuration's. */
  vs: ConfigId;
  /** Median and spread of the per-round ratios (each round's A and X were measured back to back). */
  ratio: Rounded;
  /** A's CPU per request ÷ X's, all server processes (>1: A costs more CPU), median over rounds. */
  totalCpu: number | null;
  /** The same for the front process alone: gateway against gateway (D, D′, E), null otherwise. */
  frontCpu: number | null;
}

export interface Headline extends MixHeadline {
  vsHiveGateway: number | null;
  vsHiveGatewayNoDedup: number | null;
  vsBareApolloGateway: number | null;
  gatewayTax: number | null;
  federationTax: number | null;
  cacheSpeedup: number | null;
  sqlGrowth: number | null;
  gatewayRssMB: number | null;
}

export interface HeadlineDetail {
  value: number | null;
  definition: string;
  basis?: string;
  spread?: { min: number | null; max: number | null };
  /** The same ratio with A' (A without in-flight dedup) in A's place, when A' was measured on that cell. */
  withoutDedup?: number | null;
  note?: string;
  /** Issue 23's goal for the key, and whether this run meets it. */
  goal?: HeadlineGoal;
}

export interface BenchResults {
  schemaVersion: 1;
  meta: ReportInput['meta'];
  /** False when any response was wrong or missing, or a process tried to reach beyond loopback. */
  valid: boolean;
  invalidReasons: string[];
  headline: Headline;
  headlineDetails: Record<keyof Headline, HeadlineDetail>;
  ratioDefinition: string;
  configurations: { id: ConfigId; label: string; description: string }[];
  cells: CellSummary[];
  ratios: RatioSummary[];
  soak: SoakRecord | { skipped: string };
  outbound: ReportInput['outbound'];
  probes: readonly ProbeRecord[];
  samples: readonly CellSample[];
  /** The traffic mix's tables, the headline's database first. */
  mix: MixTable[];
  mixSamples: readonly MixRun['samples'][number][];
}

const rounded = (value: Spread, digits = 2): Rounded => ({
  median: round(value.median, digits),
  min: round(value.min, digits),
  max: round(value.max, digits),
});

const keyOf = (config: ConfigId, op: OperationId, n: number) => `${config}|${op}|${n}`;

function summariseCells(input: ReportInput): CellSummary[] {
  const groups = new Map<string, CellSample[]>();
  for (const sample of input.samples) {
    const key = keyOf(sample.config, sample.op, sample.n);
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  const order = (sample: CellSample) =>
    [sample.op, sample.n, CONFIGURATIONS.findIndex(({ id }) => id === sample.config)] as const;
  const sorted = [...groups.values()].sort((a, b) => {
    const [opA, nA, configA] = order(a[0]!);
    const [opB, nB, configB] = order(b[0]!);
    return opA.localeCompare(opB) || nA - nB || configA - configB;
  });
  return sorted.map((samples) => {
    const { config, op, n } = samples[0]!;
    const probe = input.probes.find(
      (p) => p.phase === 'before' && p.config === config && p.op === op && p.n === n,
    );
    const of = (pick: (sample: CellSample) => number) => spread(samples.map(pick));
    const errors = samples.reduce(
      (sum, { errors: e }) => ({
        total: sum.total + e.total,
        non200: sum.non200 + e.non200,
        wrongBody: sum.wrongBody + e.wrongBody,
        connectionErrors: sum.connectionErrors + e.connectionErrors,
        timeouts: sum.timeouts + e.timeouts,
      }),
      { total: 0, non200: 0, wrongBody: 0, connectionErrors: 0, timeouts: 0 },
    );
    const peak = input.peakRssMB[configuration(config).server];
    return {
      config,
      op,
      n,
      rounds: samples.length,
      requestsPerSecond: rounded(
        of((s) => s.requestsPerSecond),
        1,
      ),
      latencyMs: {
        p50: rounded(of((s) => s.latencyMs.p50)),
        p95: rounded(of((s) => s.latencyMs.p95)),
        p99: rounded(of((s) => s.latencyMs.p99)),
      },
      errors,
      cpuMsPerRequest: {
        front: rounded(
          of((s) => s.cpuMsPerRequest.front),
          3,
        ),
        subgraphs: rounded(
          of((s) => s.cpuMsPerRequest.subgraphs),
          3,
        ),
        total: rounded(
          of((s) => s.cpuMsPerRequest.total),
          3,
        ),
        loadGenerator: rounded(
          of((s) => s.cpuMsPerRequest.loadGenerator),
          3,
        ),
      },
      frontPeakRssMB: peak === undefined ? null : round(peak, 1),
      subgraphFetchesPerOp: probe?.subgraphFetches?.total ?? null,
      subgraphFetchesPerOpUnderLoad: configuration(config).usesSubgraphs
        ? rounded(
            of((s) => s.subgraphFetchesPerRequest ?? Number.NaN),
            3,
          )
        : null,
      sqlPerOp: probe?.sql ?? null,
      sqlPerOpUnderLoad: rounded(
        of((s) => s.sqlPerRequest),
        3,
      ),
    };
  });
}

/** A/X per round (A and X of a round were measured back to back), then median and spread over rounds. */
function summariseRatios(samples: readonly CellSample[]): RatioSummary[] {
  const sampleOf = new Map(samples.map((s) => [`${keyOf(s.config, s.op, s.n)}|${s.round}`, s]));
  const pairs = new Map<
    string,
    { op: OperationId; n: number; vs: ConfigId; rps: number[]; total: number[]; front: number[] }
  >();
  for (const sample of samples) {
    if (sample.config === 'A') continue;
    const a = sampleOf.get(`${keyOf('A', sample.op, sample.n)}|${sample.round}`);
    if (!a) continue;
    const key = keyOf(sample.config, sample.op, sample.n);
    const pair = pairs.get(key) ?? {
      op: sample.op,
      n: sample.n,
      vs: sample.config,
      rps: [],
      total: [],
      front: [],
    };
    pair.rps.push(a.requestsPerSecond / sample.requestsPerSecond);
    pair.total.push(a.cpuMsPerRequest.total / sample.cpuMsPerRequest.total);
    pair.front.push(a.cpuMsPerRequest.front / sample.cpuMsPerRequest.front);
    pairs.set(key, pair);
  }
  const isGateway = (id: ConfigId) => configuration(id).server.startsWith('gateway-');
  return [...pairs.values()].map(({ op, n, vs, rps, total, front }) => ({
    op,
    n,
    vs,
    ratio: rounded(spread(rps), 3),
    totalCpu: round(spread(total).median, 3),
    frontCpu: isGateway(vs) ? round(spread(front).median, 3) : null,
  }));
}

function sqlGrowth(probes: readonly ProbeRecord[]): HeadlineDetail {
  const lone = probes.filter(
    (p) => p.phase === 'before' && p.problems.length === 0 && configuration(p.config).usesSubgraphs,
  );
  let worst: { value: number; basis: string } | undefined;
  for (const big of lone.filter((p) => p.n === 100)) {
    const small = lone.find((p) => p.config === big.config && p.op === big.op && p.n === 1);
    if (!small || small.sql.total === 0) continue;
    const value = big.sql.total / small.sql.total;
    if (!worst || value > worst.value) {
      worst = {
        value,
        basis: `${big.config} ${big.op}: ${big.sql.total} statements at N=100, ${small.sql.total} at N=1`,
      };
    }
  }
  return {
    value: worst ? round(worst.value, 2) : null,
    definition:
      'SQL statements per operation at N=100 ÷ at N=1 (a lone request each), worst operation and configuration that goes through our subgraphs; 1 = no N+1',
    ...(worst ? { basis: worst.basis } : { note: 'needs N=1 and N=100 in the run' }),
  };
}

/** X's requests/s ÷ Y's on one cell, per round (X and Y of a round measured back to back). */
function perRoundRatios(
  samples: readonly CellSample[],
  x: ConfigId,
  y: ConfigId,
  op: OperationId,
  n: number,
): number[] {
  const of = (config: ConfigId) => samples.filter((s) => s.config === config && s.op === op && s.n === n);
  return of(x).flatMap((sx) => {
    const sy = of(y).find((s) => s.round === sx.round);
    return sy ? [sx.requestsPerSecond / sy.requestsPerSecond] : [];
  });
}

function cacheSpeedup(samples: readonly CellSample[], note: string): HeadlineDetail {
  // The issue's definition: O2 at N=10. The other operations are measured too and shown beside it, with the
  // lowest named, so a cache that helps one operation only cannot hide behind it.
  const definition =
    'requests/s of A with its response cache on (A+cache) ÷ A as shipped (cache off), O2 at N=10 (repeated reads by the same user), median of per-round ratios';
  const perOp = (['O1', 'O2', 'O3', 'O4', 'O5'] as const).flatMap((op) => {
    const ratios = perRoundRatios(samples, 'A+cache', 'A', op, 10);
    return ratios.length ? [{ op, ...spread(ratios) }] : [];
  });
  const o2 = perOp.find(({ op }) => op === 'O2');
  if (!o2)
    return { value: null, definition, note: perOp.length ? `O2 not measured in this run; ${note}` : note };
  const lowest = perOp.reduce((low, r) => (r.median < low.median ? r : low), o2);
  return {
    value: round(o2.median, 3),
    definition,
    basis: `A+cache/A on O2 at N=10 (of ${perOp.map((r) => `${r.op} ${round(r.median, 3)}`).join(', ')}; lowest ${lowest.op}); ${note}`,
    spread: { min: round(o2.min, 3), max: round(o2.max, 3) },
  };
}

/** Summarises a run: per-cell medians and spreads, A/X ratios, and the headline the issue asks for. */
export function buildResults(input: ReportInput): BenchResults {
  const cells = summariseCells(input);
  const ratios = summariseRatios(input.samples);
  const ratioOf = (vs: ConfigId, op: OperationId, n: number) =>
    ratios.find((r) => r.vs === vs && r.op === op && r.n === n);
  const withoutDedup = (vs: ConfigId, op: OperationId, n: number) => {
    const ratios = perRoundRatios(input.samples, "A'", vs, op, n);
    return ratios.length ? { withoutDedup: round(spread(ratios).median, 3) } : {};
  };
  const pairDetail = (vs: ConfigId, op: OperationId, n: number, definition: string): HeadlineDetail => {
    const found = ratioOf(vs, op, n);
    return {
      value: found?.ratio.median ?? null,
      definition,
      basis: `A/${vs} on ${op} at N=${n}`,
      ...(found
        ? { spread: { min: found.ratio.min, max: found.ratio.max } }
        : { note: 'not measured in this run' }),
      ...withoutDedup(vs, op, n),
    };
  };
  const lowestDetail = (vs: ConfigId, definition: string): HeadlineDetail => {
    const candidates = (['O1', 'O2', 'O3', 'O4'] as const)
      .map((op) => ratioOf(vs, op, 10))
      .filter((r): r is RatioSummary => r?.ratio.median !== null && r !== undefined);
    const lowest = candidates.reduce<RatioSummary | undefined>(
      (low, r) => (!low || r.ratio.median! < low.ratio.median! ? r : low),
      undefined,
    );
    if (!lowest) return { value: null, definition, note: 'not measured in this run' };
    return {
      value: lowest.ratio.median,
      definition,
      basis: `A/${vs} on ${lowest.op} at N=10 (of ${candidates.map((r) => `${r.op} ${r.ratio.median}`).join(', ')})`,
      spread: { min: lowest.ratio.min, max: lowest.ratio.max },
      ...withoutDedup(vs, lowest.op, 10),
    };
  };
  // Our gateway's peak over everything it served: the identical requests and the mix.
  const mixRuns = input.mix ?? [];
  const peaks = [
    ...(input.peakRssMB['gateway-ours'] === undefined
      ? []
      : [{ value: input.peakRssMB['gateway-ours'], where: 'identical requests' }]),
    ...mixRuns.flatMap((run) =>
      (['A', 'A-text'] as const).flatMap((id) => {
        const value = run.peakRssMB[mixConfiguration(id).server ?? ''];
        return value === undefined ? [] : [{ value, where: `${id} on the mix on ${run.database}` }];
      }),
    ),
  ];
  const peak = peaks.reduce<(typeof peaks)[number] | undefined>(
    (max, candidate) => (!max || candidate.value > max.value ? candidate : max),
    undefined,
  );
  const headlineMix = mixRuns.find((run) => run.database === 'postgres') ?? mixRuns[0];
  const details: Record<keyof Headline, HeadlineDetail> = {
    ...mixHeadline(headlineMix),
    vsHiveGateway: lowestDetail(
      'D',
      'lowest A/D requests/s ratio over O1–O4 at N=10 (>1: our gateway serves more)',
    ),
    vsHiveGatewayNoDedup: lowestDetail(
      "D'",
      "lowest A/D' requests/s ratio over O1–O4 at N=10 (Hive without in-flight dedup)",
    ),
    vsBareApolloGateway: pairDetail(
      'E',
      'O4',
      100,
      'A/E requests/s on O4 at N=100: what our additions cost against a bare Apollo Gateway',
    ),
    gatewayTax: pairDetail(
      'B',
      'O1',
      10,
      'A/B requests/s on O1 at N=10: the gateway hop against calling the users subgraph directly',
    ),
    federationTax: pairDetail(
      'C',
      'O2',
      10,
      'A/C requests/s on O2 at N=10: the federated graph against the same resolvers in one monolith',
    ),
    cacheSpeedup: cacheSpeedup(input.samples, input.cacheNote),
    sqlGrowth: sqlGrowth(input.probes),
    gatewayRssMB: withGoal(
      {
        value: peak ? round(peak.value, 1) : null,
        definition:
          'peak resident memory of our gateway (A) over the whole run (getrusage maxrss), MB: the highest of its processes (identical requests, the mix on each database)',
        ...(peak
          ? {
              basis: `on ${peak.where} (of ${peaks.map((p) => `${p.where} ${round(p.value, 1)}`).join(', ')})`,
            }
          : {}),
      },
      MIX_GOALS.gatewayRssMB,
    ),
  };
  const headline = Object.fromEntries(
    Object.entries(details).map(([key, detail]) => [key, detail.value]),
  ) as unknown as Headline;

  const invalidReasons: string[] = [];
  for (const cell of cells) {
    if (cell.errors.total > 0)
      invalidReasons.push(`${cell.config} ${cell.op} N=${cell.n}: ${cell.errors.total} failed requests`);
  }
  for (const sample of input.samples) {
    if (!sample.settled) {
      invalidReasons.push(
        `${sample.config} ${sample.op} N=${sample.n} round ${sample.round}: servers still busy 30 s after the clients stopped`,
      );
    }
  }
  for (const probe of input.probes) {
    if (probe.problems.length > 0) {
      invalidReasons.push(
        `${probe.config} ${probe.op} N=${probe.n} (${probe.phase}): ${probe.problems.join('; ')}`,
      );
    }
  }
  if ('errors' in input.soak && input.soak.errors.total > 0)
    invalidReasons.push(`soak: ${input.soak.errors.total} failed requests`);
  const mix = mixRuns.map(summariseMix);
  for (const table of mix) invalidReasons.push(...table.problems);
  for (const [process, attempts] of Object.entries(input.outbound)) {
    if (attempts.length > 0) {
      invalidReasons.push(
        `${process} tried to reach ${attempts.map((a) => `${a.host}:${a.port}`).join(', ')} (refused)`,
      );
    }
  }

  return {
    schemaVersion: 1,
    meta: input.meta,
    valid: invalidReasons.length === 0,
    invalidReasons,
    headline,
    headlineDetails: details,
    ratioDefinition:
      "A/X = our gateway's requests/s ÷ X's, each round's pair measured back to back, median over rounds (spread min–max); >1 means A serves more",
    configurations: CONFIGURATIONS.map(({ id, label, description }) => ({ id, label, description })),
    cells,
    ratios,
    soak: input.soak,
    outbound: input.outbound,
    probes: input.probes,
    samples: input.samples,
    mix,
    mixSamples: mixRuns.flatMap((run) =>
      run.samples.map((sample) => ({ ...sample, database: run.database })),
    ),
  };
}
