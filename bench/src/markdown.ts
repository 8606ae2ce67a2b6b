import { REQUEST_TIMEOUT_SECONDS } from './load.ts';
import { CONFIGURATIONS, SUBGRAPHS, type ConfigId } from './configurations.ts';
import { OPERATIONS } from './operations.ts';
import type { PerSubgraph } from './probe.ts';
import type { BenchResults, HeadlineDetail } from './report.ts';
import { renderMix } from './mix/markdown.ts';

type Rounded = { median: number | null; min: number | null; max: number | null };

const num = (value: number | null | undefined, digits?: number) =>
  value === null || value === undefined ? '—' : digits === undefined ? String(value) : value.toFixed(digits);

const withSpread = (value: Rounded, digits?: number) =>
  value.min === value.max || value.median === null
    ? num(value.median, digits)
    : `${num(value.median, digits)} (${num(value.min, digits)}–${num(value.max, digits)})`;

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const sqlText = (sql: PerSubgraph) =>
  `${sql.total} (${SUBGRAPHS.map((name) => `${name} ${sql[name]}`).join(', ')})`;

/**
 * SQL statements of one lone request per operation and N, through our gateway (A): the N+1 check (issue 20)
 * at a glance — a row that stays the same from N=1 to N=100 batches every hop.
 */
function sqlByN(results: BenchResults): string[] {
  const lone = results.probes.filter((p) => p.phase === 'before' && p.config === 'A' && !p.problems.length);
  const sizes = [...new Set(lone.map((p) => p.n))].sort((a, b) => a - b);
  if (!sizes.length) return [];
  const rows = OPERATIONS.filter((op) => lone.some((p) => p.op === op.id)).map((op) => [
    op.id,
    op.description,
    ...sizes.map((n) => {
      const probe = lone.find((p) => p.op === op.id && p.n === n);
      return probe ? sqlText(probe.sql) : '—';
    }),
  ]);
  return [
    '## SQL statements per operation, by N',
    '',
    'One lone request per cell through our gateway (A), counted in each subgraph: constant in N means every hop is batched (no N+1).',
    '',
    table(['op', 'what', ...sizes.map((n) => `N=${n}`)], rows),
    '',
  ];
}

const HEADLINE_LABELS: Record<keyof BenchResults['headline'], string> = {
  mixCpuVsHive: 'mix: gateway CPU/req, Hive ÷ ours (D/A)',
  mixCpuVsHiveRust: 'mix: gateway CPU/req, Hive Rust planner ÷ ours (D-rust/A)',
  mixCpuVsBareApollo: 'mix: gateway CPU/req, bare Apollo ÷ ours (E/A)',
  mixThroughputVsHive: 'mix: requests/s, ours ÷ Hive (A/D)',
  mixGatewayTax: 'mix: gateway tax, requests/s A/B',
  mixP99OverP50: 'mix: A p99 ÷ p50',
  vsHiveGateway: 'vs Hive Gateway (A/D)',
  vsHiveGatewayNoDedup: "vs Hive Gateway, no dedup (A/D')",
  vsBareApolloGateway: 'vs bare Apollo Gateway (A/E)',
  gatewayTax: 'gateway tax (A/B)',
  federationTax: 'federation tax (A/C)',
  cacheSpeedup: 'response-cache speed-up',
  sqlGrowth: 'SQL growth N=100 ÷ N=1',
  gatewayRssMB: 'gateway peak RSS (MB)',
};

function headlineRow(key: keyof BenchResults['headline'], detail: HeadlineDetail): string[] {
  const spread =
    detail.spread && detail.spread.min !== detail.spread.max
      ? ` (${detail.spread.min}–${detail.spread.max})`
      : '';
  const dedup =
    detail.withoutDedup === undefined ? '' : `A′ (dedup off) in A’s place: ${num(detail.withoutDedup)}`;
  const basis = [detail.basis, dedup, detail.note].filter(Boolean).join('; ');
  const goal = detail.goal
    ? ` — goal ${'atLeast' in detail.goal ? `≥ ${detail.goal.atLeast}` : `≤ ${detail.goal.atMost}`}: ${
        detail.goal.met === null ? 'not measured' : detail.goal.met ? 'met' : '**not met**'
      }`
    : '';
  return [HEADLINE_LABELS[key], `**${num(detail.value)}**${spread}${goal}`, basis || detail.definition];
}

/** The results as a markdown page: headline, every cell, the A/X ratios, the soak, and how it was measured. */
export function renderMarkdown(results: BenchResults): string {
  const meta = results.meta;
  const machine = meta['machine'] as
    | {
        cpuModel: string;
        cores: number;
        memoryGB: number;
        node: string;
        platform: string;
        loadAverageAtStart?: number[];
        loadAverageAtEnd?: number[];
      }
    | undefined;
  const options = meta['options'] as
    | {
        rounds: number;
        durationSeconds: number;
        warmupSeconds: number;
        connections: number;
        traffic?: { mix: boolean; identical: boolean };
        mix?: { durationSeconds: number; warmupSeconds: number; soakSeconds: number };
      }
    | undefined;
  const lines: string[] = [];
  lines.push(`# Supergraph benchmark — ${meta.createdAt} (${meta.mode})`, '');
  lines.push(`\`${meta.command}\``, '');
  if (machine) {
    const load = [machine.loadAverageAtStart, machine.loadAverageAtEnd]
      .map((value) => value?.[0] ?? '?')
      .join(' → ');
    lines.push(
      `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, ${machine.platform}; load average (1 min) ${load} during the run (other work shares the cores).`,
    );
  }
  // Results written before the run recorded its traffic measured identical requests only.
  const traffic = options?.traffic ?? { mix: false, identical: true };
  if (options && traffic.mix && options.mix) {
    const { durationSeconds, warmupSeconds, soakSeconds } = options.mix;
    lines.push(
      `Traffic mix: ${options.connections} connections, ${options.rounds} round(s) × ${durationSeconds} s per configuration, after ${warmupSeconds} s of warm-up on each; configurations interleaved within each round; ${soakSeconds > 0 ? `a ${soakSeconds} s soak of A on each database` : 'no soak'}. Values are medians over rounds, (min–max) when rounds differ. Its datasets are in its own section.`,
    );
  }
  if (traffic.identical) {
    lines.push(
      `Identical requests: database ${String(meta['database'])}, dataset ${JSON.stringify(meta['dataset'])}.`,
    );
    if (options) {
      lines.push(
        `Load: ${options.connections} connections, ${options.rounds} round(s) × ${options.durationSeconds} s per cell, after ${options.warmupSeconds} s of warm-up on each configuration × operation; configurations interleaved within each round; a request unanswered after ${REQUEST_TIMEOUT_SECONDS} s is an error. Values are medians over rounds, (min–max) when rounds differ.`,
      );
    }
  }
  lines.push('');
  if (!results.valid) {
    lines.push(
      '> **This run is not valid:**',
      ...results.invalidReasons.map((reason) => `> - ${reason}`),
      '',
    );
  }

  lines.push('## Headline', '', results.ratioDefinition + '.', '');
  lines.push(
    table(
      ['metric', 'value', 'basis'],
      (Object.keys(results.headline) as (keyof BenchResults['headline'])[]).map((key) =>
        headlineRow(key, results.headlineDetails[key]),
      ),
    ),
    '',
  );

  lines.push(...renderMix(results.mix));
  const notes = meta['notes'];
  const noteLines =
    Array.isArray(notes) && notes.length > 0
      ? ['## Notes', '', ...notes.map((note) => `- ${String(note)}`), '']
      : [];
  if (results.cells.length === 0) {
    lines.push('Not measured in this run (`--traffic mix`).', '', ...noteLines);
    return lines.join('\n');
  }
  lines.push('## Every cell', '');
  lines.push(
    'req/s: successful responses per second. CPU ms/req: CPU time per request received, of the process clients talk to ("front": the gateway; the users subgraph for B; the monolith for C) and of the whole server side (front + subgraphs). RSS: peak of the front process over the run. Fetches and SQL per op: from a lone request (under load in brackets when different).',
    '',
  );
  lines.push(
    table(
      [
        'op',
        'N',
        'config',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'errors',
        'front CPU ms/req',
        'total CPU ms/req',
        'front peak RSS MB',
        'subgraph fetches/op',
        'SQL/op',
      ],
      results.cells.map((cell) => {
        const underLoad = cell.subgraphFetchesPerOpUnderLoad?.median;
        const fetches =
          cell.subgraphFetchesPerOp === null
            ? '—'
            : underLoad !== null &&
                underLoad !== undefined &&
                Math.abs(underLoad - cell.subgraphFetchesPerOp) > 0.05
              ? `${cell.subgraphFetchesPerOp} (${underLoad})`
              : String(cell.subgraphFetchesPerOp);
        return [
          cell.op,
          String(cell.n),
          cell.config,
          withSpread(cell.requestsPerSecond, 0),
          withSpread(cell.latencyMs.p50, 1),
          withSpread(cell.latencyMs.p95, 1),
          withSpread(cell.latencyMs.p99, 1),
          String(cell.errors.total),
          withSpread(cell.cpuMsPerRequest.front, 2),
          withSpread(cell.cpuMsPerRequest.total, 2),
          num(cell.frontPeakRssMB, 0),
          fetches,
          cell.sqlPerOp ? sqlText(cell.sqlPerOp) : '—',
        ];
      }),
    ),
    '',
  );

  lines.push(...sqlByN(results));

  const others: ConfigId[] = ['A+cache', 'A+ids', "A'", 'B', 'C', 'D', "D'", 'E'];
  lines.push('## A/X, requests/s', '');
  const groups = OPERATIONS.flatMap((op) =>
    [...new Set(results.ratios.filter((r) => r.op === op.id).map((r) => r.n))]
      .sort((a, b) => a - b)
      .map((n) => ({ op: op.id, n })),
  );
  lines.push(
    table(
      ['op', 'N', ...others.map((id) => `A/${id}`)],
      groups.map(({ op, n }) => [
        op,
        String(n),
        ...others.map((id) => {
          const ratio = results.ratios.find((r) => r.op === op && r.n === n && r.vs === id);
          return ratio ? withSpread(ratio.ratio, 2) : '—';
        }),
      ]),
    ),
    '',
  );

  lines.push('## A/X, CPU per request', '');
  lines.push(
    'Server-side CPU time per request of A ÷ of X (all server processes: gateway and subgraphs, or the monolith); in brackets the gateway process alone, for the other gateways. >1: A spends more. Less sensitive to a busy machine than requests/s.',
    '',
  );
  lines.push(
    table(
      ['op', 'N', ...others.map((id) => `A/${id}`)],
      groups.map(({ op, n }) => [
        op,
        String(n),
        ...others.map((id) => {
          const ratio = results.ratios.find((r) => r.op === op && r.n === n && r.vs === id);
          if (!ratio) return '—';
          return ratio.frontCpu === null
            ? num(ratio.totalCpu, 2)
            : `${num(ratio.totalCpu, 2)} (${num(ratio.frontCpu, 2)})`;
        }),
      ]),
    ),
    '',
  );

  lines.push('## Soak', '');
  if ('skipped' in results.soak) lines.push(`Skipped: ${results.soak.skipped}.`, '');
  else {
    const soak = results.soak;
    lines.push(
      `${soak.config} on ${soak.op} N=${soak.n}, ${soak.connections} connections for ${soak.seconds} s: ${soak.responses} responses, ` +
        `${soak.requestsPerSecond.toFixed(0)} req/s, p99 ${soak.latencyMs.p99.toFixed(1)} ms, **${soak.errors.total} errors** ` +
        `(non-200 ${soak.errors.non200}, wrong body ${soak.errors.wrongBody}, connection ${soak.errors.connectionErrors}, timeouts ${soak.errors.timeouts}).`,
      '',
    );
  }

  lines.push('## Configurations', '');
  lines.push(
    table(
      ['id', 'what', 'how'],
      CONFIGURATIONS.map(({ id, label, description }) => [id, label, description]),
    ),
    '',
  );
  lines.push('## Operations', '');
  lines.push(
    table(
      ['id', 'what', 'query'],
      OPERATIONS.map(({ id, description, query }) => [id, description, `\`${query}\``]),
    ),
    '',
  );
  lines.push(...noteLines);
  return lines.join('\n');
}
