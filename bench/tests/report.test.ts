import { describe, expect, it } from 'vitest';
import type { ConfigId } from '../src/configurations.ts';
import { renderMarkdown } from '../src/markdown.ts';
import type { CellSample } from '../src/measure.ts';
import type { OperationId } from '../src/operations.ts';
import { buildResults, type ProbeRecord, type ReportInput } from '../src/report.ts';

function sample(
  config: ConfigId,
  op: OperationId,
  n: number,
  round: number,
  requestsPerSecond: number,
): CellSample {
  return {
    config,
    op,
    n,
    round,
    elapsedMs: 1_000,
    responses: requestsPerSecond,
    requestsPerSecond,
    latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
    errors: { total: 0, non200: 0, wrongBody: 0, connectionErrors: 0, timeouts: 0 },
    badResponses: [],
    requestsReceived: requestsPerSecond,
    settled: true,
    cpuMsPerRequest: { front: 1, subgraphs: 1, total: 2, loadGenerator: 0.5 },
    subgraphFetchesPerRequest: config === 'C' ? null : 2,
    sqlPerRequest: 3,
    frontRssMB: 100,
  };
}

function probeRecord(config: ConfigId, op: OperationId, n: number, total: number): ProbeRecord {
  return {
    config,
    op,
    n,
    phase: 'before',
    problems: [],
    subgraphFetches: config === 'C' ? null : { users: 1, orders: 1, catalog: 0, total: 2 },
    sql: { users: 1, orders: total - 1, catalog: 0, total },
  };
}

/**
 * Three rounds. A serves 100, 120, 80 req/s everywhere; the others are chosen so each headline ratio is known:
 * per-round ratios, then their median.
 */
function synthetic(): ReportInput {
  const samples: CellSample[] = [];
  const aRps = [100, 120, 80];
  const others: [ConfigId, OperationId, number, number[]][] = [
    // A/D at N=10: O1 0.5, O2 0.25 (lowest), O3 ~0.67, O4 1.
    ['D', 'O1', 10, [200, 240, 160]],
    ['D', 'O2', 10, [400, 480, 320]],
    ['D', 'O3', 10, [150, 180, 120]],
    ['D', 'O4', 10, [100, 120, 80]],
    // Lower still, but at N=100: not part of the headline.
    ['D', 'O2', 100, [1_000, 1_200, 800]],
    // A/D' per round: 100/125 = 0.8, 120/100 = 1.2, 80/100 = 0.8 on O3 (median 0.8); the rest higher.
    ["D'", 'O1', 10, [50, 60, 40]],
    ["D'", 'O2', 10, [50, 60, 40]],
    ["D'", 'O3', 10, [125, 100, 100]],
    ["D'", 'O4', 10, [50, 60, 40]],
    // A/E on O4 N=100 per round: 0.5, 0.6, 0.4 → 0.5 (0.4–0.6).
    ['E', 'O4', 100, [200, 200, 200]],
    // A/B on O1 N=10: 0.25. A/C on O2 N=10: 2.
    ['B', 'O1', 10, [400, 480, 320]],
    ['C', 'O2', 10, [50, 60, 40]],
  ];
  const cellsOfA = new Set(others.map(([, op, n]) => `${op}|${n}`));
  for (const [round, rps] of aRps.entries()) {
    for (const cell of cellsOfA) {
      const [op, n] = cell.split('|') as [OperationId, string];
      samples.push(sample('A', op, Number(n), round + 1, rps));
    }
    for (const [config, op, n, values] of others)
      samples.push(sample(config, op, n, round + 1, values[round]!));
  }
  return {
    meta: { createdAt: '2026-01-01T00:00:00.000Z', command: 'npm run bench -- --quick', mode: 'quick' },
    samples,
    probes: [
      probeRecord('A', 'O2', 1, 3),
      probeRecord('A', 'O2', 100, 3),
      probeRecord('E', 'O3', 1, 2),
      probeRecord('E', 'O3', 100, 4),
      // The monolith does not go through our subgraphs: its growth is not the headline's.
      probeRecord('C', 'O4', 1, 2),
      probeRecord('C', 'O4', 100, 20),
    ],
    peakRssMB: { 'gateway-ours': 123.456, 'gateway-hive': 300 },
    soak: { skipped: 'quick run' },
    outbound: { 'gateway-ours': [] },
    cacheNote: 'response cache not implemented yet',
  };
}

describe('the report builder', () => {
  const results = buildResults(synthetic());

  it('takes the lowest A/D and A/D′ over O1–O4 at N=10, each the median of per-round ratios', () => {
    expect(results.headline.vsHiveGateway).toBe(0.25);
    expect(results.headlineDetails.vsHiveGateway.basis).toContain('O2');
    expect(results.headline.vsHiveGatewayNoDedup).toBe(0.8);
    expect(results.headlineDetails.vsHiveGatewayNoDedup.spread).toEqual({ min: 0.8, max: 1.2 });
  });

  it('computes A/E on O4 N=100, A/B on O1 N=10 and A/C on O2 N=10', () => {
    expect(results.headline.vsBareApolloGateway).toBe(0.5);
    expect(results.headlineDetails.vsBareApolloGateway.spread).toEqual({ min: 0.4, max: 0.6 });
    expect(results.headline.gatewayTax).toBe(0.25);
    expect(results.headline.federationTax).toBe(2);
  });

  it('puts CPU per request side by side too: gateway against gateway only for the other gateways', () => {
    const vsE = results.ratios.find((r) => r.vs === 'E' && r.op === 'O4' && r.n === 100);
    expect(vsE).toMatchObject({ totalCpu: 1, frontCpu: 1 });
    expect(results.ratios.find((r) => r.vs === 'B')?.frontCpu).toBeNull();
  });

  it('reports the worst SQL growth N=100 ÷ N=1 among configurations that use our subgraphs', () => {
    expect(results.headline.sqlGrowth).toBe(2);
    expect(results.headlineDetails.sqlGrowth.basis).toContain('E O3');
  });

  it('reports our gateway’s peak RSS and leaves the cache speed-up null with its reason', () => {
    expect(results.headline.gatewayRssMB).toBe(123.5);
    expect(results.headline.cacheSpeedup).toBeNull();
    expect(results.headlineDetails.cacheSpeedup.note).toBe('response cache not implemented yet');
  });

  it("adds the ratio with A' (no in-flight dedup) in A's place where A' was measured", () => {
    const input = synthetic();
    input.samples = [
      ...input.samples,
      ...[50, 60, 40].map((rps, round) => sample("A'", 'O2', 10, round + 1, rps)),
    ];
    const results = buildResults(input);
    expect(results.headlineDetails.federationTax.withoutDedup).toBe(1);
    expect(results.headlineDetails.federationTax.value).toBe(2);
    expect(results.headlineDetails.gatewayTax.withoutDedup).toBeUndefined();
  });

  it('computes the cache speed-up as A+cache ÷ A on O2 at N=10, naming the lowest operation beside it', () => {
    const input = synthetic();
    const cached: [OperationId, number[]][] = [
      ['O1', [10, 12, 8]],
      ['O2', [500, 600, 400]],
    ];
    const extra = cached.flatMap(([op, values]) =>
      values.map((rps, round) => sample('A+cache', op, 10, round + 1, rps)),
    );
    input.samples = [...input.samples, ...extra];
    const withCache = buildResults(input);
    expect(withCache.headline.cacheSpeedup).toBe(5);
    expect(withCache.headlineDetails.cacheSpeedup.basis).toMatch(/^A\+cache\/A on O2 at N=10 .*lowest O1\)/);
  });

  it('summarises each cell by the median and spread of its rounds', () => {
    const cell = results.cells.find((c) => c.config === 'D' && c.op === 'O2' && c.n === 10);
    expect(cell?.requestsPerSecond).toEqual({ median: 400, min: 320, max: 480 });
    expect(cell?.rounds).toBe(3);
  });

  it('is valid only when no request failed and no process reached beyond loopback', () => {
    expect(results.valid).toBe(true);
    const input = synthetic();
    input.samples = input.samples.map((s, index) =>
      index === 0 ? { ...s, errors: { ...s.errors, total: 2, non200: 2 } } : s,
    );
    input.outbound = { 'gateway-hive': [{ host: '169.254.169.254', port: 80, at: '2026-01-01T00:00:00Z' }] };
    const invalid = buildResults(input);
    expect(invalid.valid).toBe(false);
    expect(invalid.invalidReasons).toHaveLength(2);
  });

  it("describes the load of the traffic the run measured, with the mix's own duration and warm-up", () => {
    const mixOnly = renderMarkdown({
      ...results,
      meta: {
        ...results.meta,
        options: {
          rounds: 3,
          durationSeconds: 10,
          warmupSeconds: 5,
          connections: 50,
          traffic: { mix: true, identical: false },
          mix: { durationSeconds: 8, warmupSeconds: 3, soakSeconds: 0 },
        },
      },
    });
    expect(mixOnly).toContain(
      'Traffic mix: 50 connections, 3 round(s) × 8 s per configuration, after 3 s of warm-up on each;',
    );
    expect(mixOnly).toContain('; no soak.');
    expect(mixOnly).not.toContain('Identical requests:');
    expect(mixOnly).not.toContain('Load: ');
  });

  it('renders the headline and every cell as markdown', () => {
    const markdown = renderMarkdown(results);
    expect(markdown).toContain('| vs Hive Gateway (A/D) | **0.25**');
    expect(markdown).toContain('| response-cache speed-up | **—** | response cache not implemented yet |');
    expect(markdown.match(/^\| O\d \| \d+ \| /gm)?.length).toBeGreaterThanOrEqual(results.cells.length);
  });
});
