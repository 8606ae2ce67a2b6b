import { MIX_CONFIGURATIONS } from './configurations.ts';
import { MIX_OPERATIONS } from './operations.ts';
import type { MixTable } from './report.ts';

type Rounded = { median: number | null; min: number | null; max: number | null };

const num = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);
const withSpread = (value: Rounded, digits: number) =>
  value.min === value.max || value.median === null
    ? num(value.median, digits)
    : `${num(value.median, digits)} (${num(value.min, digits)}–${num(value.max, digits)})`;
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** The traffic mix's tables (one per database), for the results page. */
export function renderMix(tables: readonly MixTable[]): string[] {
  if (!tables.length) return [];
  const lines: string[] = ['## The traffic mix (headline)', ''];
  lines.push(
    'Many users, varied operations: each request comes from one of 1,000 seeded users with a token of its own, connections cycle through the users, variables vary (ids, `first` ∈ {5, 10, 20}, cursors), and the operations are weighted like a shop frontend: ' +
      MIX_OPERATIONS.map((op) => `${op.weight} % \`${op.name}\``).join(', ') +
      '. Every answer is checked against what its caller must get; every order is read back afterwards. gateway CPU ms/req is the cleanest gateway metric on this shared 2-core machine (per process, not disturbed by what else runs); requests/s are the whole machine’s. fetches and SQL per request: under load (the lone requests per operation are in the JSON). **A is called as web/ calls it in production: each operation by its trusted-document id** (`extensions.persistedQuery`, TRUSTED_DOCUMENTS=enforce, so the gateway’s fast path runs a plan compiled when the manifest loaded); **A-text** is the same gateway sent free text (trusted documents off), as D, D-rust, E and A+cache are. Apollo Server and Hive Gateway cache parse and validation per query string (and the gateways their plans), so text costs them a cache lookup per request, not a parse.',
    '',
  );
  for (const mix of tables) {
    lines.push(
      `### On ${mix.database === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
      '',
      `Dataset: ${mix.dataset.users} users (${mix.dataset.admins} admins, ${mix.dataset.readers} readers, ${mix.dataset.writers} writers), ${mix.dataset.orders} orders, ${mix.dataset.products} products. ` +
        `Writes: ${mix.writes.placed} placed, ${mix.writes.cancelled} cancelled, ${mix.writes.unknown} unanswered; ${mix.writes.ordersReadBack} orders read back, ${mix.writes.problems.length} problems.`,
      '',
    );
    lines.push(
      table(
        [
          'config',
          'req/s',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'errors',
          'gateway CPU ms/req',
          'subgraph CPU ms/req',
          'gateway peak RSS MB',
          'subgraph fetches/req',
          'SQL/req',
        ],
        mix.configs.map((config) => [
          config.config,
          withSpread(config.requestsPerSecond, 0),
          withSpread(config.latencyMs.p50, 1),
          withSpread(config.latencyMs.p95, 1),
          withSpread(config.latencyMs.p99, 1),
          String(config.errors),
          withSpread(config.cpuMsPerRequest.gateway, 3),
          withSpread(config.cpuMsPerRequest.subgraphs, 3),
          num(config.gatewayPeakRssMB, 0),
          withSpread(config.subgraphFetchesPerRequest, 2),
          withSpread(config.sqlPerRequest, 2),
        ]),
      ),
      '',
    );
    if ('skipped' in mix.soak) lines.push(`Soak: skipped (${mix.soak.skipped}).`, '');
    else
      lines.push(
        `Soak: A on the mix for ${mix.soak.seconds} s: ${mix.soak.sent} requests, ${mix.soak.requestsPerSecond.toFixed(0)} req/s, p99 ${mix.soak.latencyMs.p99.toFixed(1)} ms, **${mix.soak.errors.total} errors**.`,
        '',
      );
  }
  lines.push(
    table(
      ['config', 'what', 'how'],
      MIX_CONFIGURATIONS.map(({ id, label, description }) => [id, label, description]),
    ),
    '',
    table(
      ['operation', 'weight', 'query'],
      MIX_OPERATIONS.map(({ name, weight, query }) => [name, `${weight} %`, `\`${query}\``]),
    ),
    '',
    '## Identical requests (dedup best case)',
    '',
    'One admin repeating one query over every connection: in-flight dedup answers most requests from another’s fetch, which real traffic (per-caller tokens, varied variables) never allows. Kept as the best case.',
    '',
  );
  return lines;
}
