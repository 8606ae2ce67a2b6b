import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CONFIGURATIONS } from './configurations.ts';
import { buildDataset } from './dataset.ts';
import { machineInfo, packageVersions } from './machine.ts';
import { OPERATIONS } from './operations.ts';
import type { BenchOptions } from './options.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The commit measured, and the uncommitted changes in what is measured (several people work in this tree). */
function gitState(): { commit: string; uncommittedChanges: string[] } | { unavailable: string } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return {
      commit: git('rev-parse', 'HEAD'),
      uncommittedChanges: git(
        'status',
        '--porcelain',
        '--',
        'router',
        'subgraphs',
        'packages',
        'schema',
        'bench/src',
      )
        .split('\n')
        .filter(Boolean),
    };
  } catch (error) {
    return { unavailable: String(error) };
  }
}

/** The exact command, with a database password masked. */
function commandLine(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  databaseUrl: string | undefined,
): string {
  const database = databaseUrl ? new URL(databaseUrl) : undefined;
  if (database?.password) database.password = '***';
  return [
    database ? `BENCH_DATABASE_URL=${database.toString()}` : '',
    env['npm_lifecycle_event'] === 'bench' ? 'npm run bench --' : 'node bench/src/cli.ts',
    ...argv,
  ]
    .filter(Boolean)
    .join(' ');
}

/** Everything that says what a run measured and where: written at the top of its results. */
export function runMeta(
  options: BenchOptions,
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cacheNote: string,
) {
  const dataset = buildDataset(options.dataset);
  const { databaseUrl: _databaseUrl, ...recordedOptions } = options;
  return {
    createdAt: new Date().toISOString(),
    command: commandLine(argv, env, options.databaseUrl),
    mode: options.mode,
    options: recordedOptions,
    machine: machineInfo(),
    git: gitState(),
    database: options.databaseUrl ? 'postgres' : 'pglite',
    mixDatabases: options.traffic.mix ? options.mix.databases : [],
    dataset: {
      users: dataset.users.length,
      orders: dataset.orders.length,
      items: dataset.orders.reduce((sum, order) => sum + order.items.length, 0),
      products: dataset.products.length,
    },
    versions: packageVersions([
      '@apollo/gateway',
      '@apollo/server',
      '@graphql-hive/gateway',
      '@graphql-hive/gateway-runtime',
      '@graphql-hive/router-runtime',
      '@graphql-hive/router-query-planner',
      '@graphql-tools/executor-http',
      'graphql',
      'autocannon',
      'drizzle-orm',
      '@electric-sql/pglite',
    ]),
    configurations: CONFIGURATIONS.filter(({ id }) => options.configs.includes(id)).map(
      ({ id, label }) => `${id}: ${label}`,
    ),
    operations: OPERATIONS.filter(({ id }) => options.ops.includes(id)).map(
      ({ id, query }) => `${id}: ${query}`,
    ),
    notes: [
      'Every server runs in a child process of its own with NODE_ENV=production and a clean environment (no APOLLO_KEY, no HIVE_* or OTEL_* variables, APOLLO_TELEMETRY_DISABLED=true); every process refuses and records any connection beyond loopback (see "outbound").',
      'Every server process starts on a compile cache warmed before the run (scripts/warm-compile-cache.ts, as the Docker image does at build time), so none loads Node’s TypeScript stripper; peers get the same, since their benchmark glue is TypeScript too. A server that loads it anyway stops the run.',
      `Our gateway, subgraphs and monolith log at LOG_LEVEL=${options.logLevel} (production's default, info, is one JSON line per request; written to /dev/null here). Hive Gateway and the bare Apollo Gateway log nothing per request by default.`,
      'The traffic mix (the headline): 1,000 users each with its own token, connections cycling through them, varied variables and the issue’s weights; our gateway gets each user’s bearer token (verified, cached per token until it expires, and turned into a signed x-internal-token cached per caller for 30 s); D, D-rust and E verify nothing and forward the x-internal-token each client signs for its user (re-signed every 20 s by the load generator); B’s client sends that token straight to the subgraphs. So A does authentication work the others do not — that is part of what is measured.',
      'The mix’s load generator is a closed loop over node:http keep-alive connections in the parent process (not autocannon: every request differs, and B’s requests are several fetches); it checks every answer (byte-equal to the expected JSON, else parsed and compared) and its CPU per request is reported apart.',
      'Identical requests (the dedup best case): all load is one admin user repeating one query: in-flight deduplication (on by default in A and in D, keyed per caller in A and by identical request in D) collapses most subgraph fetches, which "subgraph fetches/op" under load shows.',
      'Identical requests: A verifies the client’s bearer token (in the rate limiter and again in the context) and signs an x-internal-token per request; D, D′ and E verify no client token and forward one admin token the harness re-signs every 20 s; B’s client signs its own token per measurement.',
      'Hive Gateway’s runtime (createGatewayRuntime, which @graphql-hive/gateway re-exports) is imported from @graphql-hive/gateway-runtime, so its process does not also load the CLI’s plugins.',
      'With PGlite (no BENCH_DATABASE_URL) each database runs inside the process that owns it: the subgraphs’ and the monolith’s CPU and memory include their SQL engine; B’s and C’s peak RSS are mostly PGlite.',
      'CPU per request divides each process’s CPU time (process.cpuUsage, user + system) by the requests the front server received in the window, including those still in flight when the clients stopped (the window closes once every process involved is idle again).',
      'The load generator (autocannon) runs in the parent process on the same cores as the servers: requests/s are those of the whole machine, CPU ms per request is per process.',
      `Response cache: ${cacheNote}.`,
    ],
  };
}
