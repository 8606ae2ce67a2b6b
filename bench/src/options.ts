import { parseArgs } from 'node:util';
import { CONFIGURATIONS, isConfigId, type ConfigId } from './configurations.ts';
import { FULL_DATASET, type DatasetOptions } from './dataset.ts';
import { OPERATIONS, SIZES, type OperationId } from './operations.ts';
import { isMixConfigId, MIX_CONFIGURATIONS, type MixConfigId } from './mix/configurations.ts';

/** The machine's PostgreSQL: where the traffic mix runs unless BENCH_DATABASE_URL says otherwise. */
export const MACHINE_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchOptions {
  mode: 'quick' | 'full';
  /** Measurements of every cell; the report gives their median and spread. */
  rounds: number;
  durationSeconds: number;
  /** Unrecorded load on each configuration × operation before the first round. */
  warmupSeconds: number;
  connections: number;
  /** Zero-error soak of A on O2 N=10 (0: skipped). */
  soakSeconds: number;
  ops: OperationId[];
  sizes: number[];
  configs: ConfigId[];
  /** LOG_LEVEL of our services (gateway, subgraphs, monolith): production's default is info. */
  logLevel: string;
  outDir: string;
  /** Admin URL of a PostgreSQL server (BENCH_DATABASE_URL); unset: embedded PGlite. */
  databaseUrl: string | undefined;
  /** Redis for A+cache's answers (BENCH_REDIS_URL, default the local one). */
  cacheRedisUrl: string;
  dataset: DatasetOptions;
  /** What traffic is measured: the mix (the headline), identical requests (the dedup best case), or both. */
  traffic: { mix: boolean; identical: boolean };
  mix: {
    configs: MixConfigId[];
    /** Where the subgraphs keep their data, the headline's first. */
    databases: ('postgres' | 'pglite')[];
    /** Admin URL of the PostgreSQL the mix creates its databases in (BENCH_DATABASE_URL, else the machine's). */
    postgresUrl: string;
    durationSeconds: number;
    warmupSeconds: number;
    soakSeconds: number;
  };
  /** The subscriptions scenario (subscriptions/scenario.ts): with the rest, not at all, or alone. */
  subscriptions: 'on' | 'off' | 'only';
  subscribers: number;
  changesPerSecond: number;
  subscriptionSeconds: number;
}

export const USAGE = `npm run bench [-- options]

Starts every configuration on free loopback ports with a seeded database, measures them side by side, and
writes bench/results/<date>.{json,md} (and latest.{json,md}).

  --quick              one short round of every cell (under 3 minutes), same headline
  --rounds <n>         rounds (full: 3, quick: 1)
  --duration <s>       seconds of load per cell and round (full: 10, quick: 1.25)
  --warmup <s>         seconds of unrecorded load on each configuration × operation first (full: 5, quick: 0.5)
  --connections <n>    concurrent connections (50)
  --soak <s>           zero-error soak on A, O2, N=10 (full: 30, quick: 0 = skipped)
  --ops <list>         e.g. O1,O4 (all)
  --sizes <list>       e.g. 1,100 (${SIZES.join(',')})
  --configs <list>     e.g. A,D,E — D' and A' may be written Dn and An
                       (${CONFIGURATIONS.map(({ id }) => id).join(',')}); A+cache runs at N=10, A' at N=10 and 100
  --traffic <kind>     mix (the headline: 1,000 users, weighted operations), identical (one admin repeating
                       one query: the dedup best case) or both (default)
  --mix-configs <list> configurations of the mix (${MIX_CONFIGURATIONS.map(({ id }) => id).join(',')})
  --mix-databases <l>  postgres,pglite (full) or postgres (quick): the first is the headline's
  --mix-duration <s>   seconds of mix load per configuration and round (full: 10, quick: 3)
  --mix-warmup <s>     seconds of unrecorded mix load per configuration first (full: 5, quick: 1)
  --mix-soak <s>       zero-error soak of A on the mix (full: 60, quick: 0 = skipped)
  --subscriptions <on|off|only>
                       the subscriptions scenario: 1,000 graphql-ws subscribers, 50 status changes/s for
                       30 s (full: on, quick: off; only = nothing else)
  --subscribers <n>    its subscribers (1000)
  --changes <n>        its status changes per second (50)
  --subscription-seconds <s>
                       how long it changes statuses (30)
  --log-level <level>  LOG_LEVEL of our gateway, subgraphs and monolith (info, as in production)
  --out <dir>          where results are written (bench/results)
  --help

Environment: BENCH_DATABASE_URL=postgres://… runs on PostgreSQL (fresh databases, dropped afterwards): the
identical requests only when it is set (else PGlite), the mix always (default: ${MACHINE_POSTGRES_URL});
BENCH_REDIS_URL (redis://127.0.0.1:6379) is where A+cache keeps its answers (process memory if no Redis
answers there); BENCH_CPU_PROFILE_DIR=<dir> makes every server write a V8 CPU profile there, and
BENCH_HEAP_PROFILE_DIR=<dir> an allocation profile (every sampled allocation, collected or not).`;

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function positive(
  name: string,
  value: string | undefined,
  fallback: number,
  { integer = false, zero = false } = {},
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  const valid =
    Number.isFinite(number) && (zero ? number >= 0 : number > 0) && (!integer || Number.isInteger(number));
  if (!valid)
    throw new Error(
      `--${name} must be a ${integer ? 'whole ' : ''}number${zero ? ' ≥ 0' : ' > 0'}, got "${value}"`,
    );
  return number;
}

/** Reads the command line; throws with a message that names the bad option. `help` is true for --help. */
export function parseOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  defaultOutDir: string,
): BenchOptions & { help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      soak: { type: 'string' },
      ops: { type: 'string' },
      sizes: { type: 'string' },
      configs: { type: 'string' },
      'log-level': { type: 'string' },
      traffic: { type: 'string' },
      'mix-configs': { type: 'string' },
      'mix-databases': { type: 'string' },
      'mix-duration': { type: 'string' },
      'mix-warmup': { type: 'string' },
      'mix-soak': { type: 'string' },
      subscriptions: { type: 'string' },
      subscribers: { type: 'string' },
      changes: { type: 'string' },
      'subscription-seconds': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const ops = values.ops ? list(values.ops) : OPERATIONS.map(({ id }) => id);
  for (const op of ops)
    if (!OPERATIONS.some(({ id }) => id === op)) throw new Error(`--ops: unknown operation "${op}"`);
  const aliases: Record<string, string> = { Dn: "D'", An: "A'" };
  const configs = values.configs
    ? list(values.configs).map((id) => aliases[id] ?? id)
    : CONFIGURATIONS.map(({ id }) => id);
  for (const id of configs) if (!isConfigId(id)) throw new Error(`--configs: unknown configuration "${id}"`);
  const sizes = values.sizes
    ? list(values.sizes).map((size) => positive('sizes', size, 1, { integer: true }))
    : [...SIZES];
  if (sizes.some((size) => size > 100)) throw new Error('--sizes: at most 100 (the API caps `first` at 100)');
  const logLevel = values['log-level'] ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new Error(`--log-level: "${logLevel}" is not a pino level`);
  }
  const traffic = values.traffic ?? 'both';
  if (!['mix', 'identical', 'both'].includes(traffic))
    throw new Error(`--traffic: "${traffic}" is not mix, identical or both`);
  const mixConfigs = values['mix-configs']
    ? list(values['mix-configs'])
    : MIX_CONFIGURATIONS.map(({ id }) => id);
  for (const id of mixConfigs)
    if (!isMixConfigId(id)) throw new Error(`--mix-configs: unknown configuration "${id}"`);
  const mixDatabases = values['mix-databases']
    ? list(values['mix-databases'])
    : quick
      ? ['postgres']
      : ['postgres', 'pglite'];
  for (const database of mixDatabases)
    if (database !== 'postgres' && database !== 'pglite')
      throw new Error(`--mix-databases: "${database}" is not postgres or pglite`);
  const subscriptions = values.subscriptions ?? (quick ? 'off' : 'on');
  if (subscriptions !== 'on' && subscriptions !== 'off' && subscriptions !== 'only') {
    throw new Error(`--subscriptions: on, off or only, got "${subscriptions}"`);
  }
  return {
    help: values.help,
    traffic: { mix: traffic !== 'identical', identical: traffic !== 'mix' },
    mix: {
      configs: mixConfigs as MixConfigId[],
      databases: mixDatabases as ('postgres' | 'pglite')[],
      postgresUrl: env['BENCH_DATABASE_URL'] || MACHINE_POSTGRES_URL,
      durationSeconds: positive('mix-duration', values['mix-duration'], quick ? 3 : 10),
      warmupSeconds: positive('mix-warmup', values['mix-warmup'], quick ? 1 : 5, { zero: true }),
      soakSeconds: positive('mix-soak', values['mix-soak'], quick ? 0 : 60, { zero: true }),
    },
    subscriptions,
    subscribers: positive('subscribers', values.subscribers, 1_000, { integer: true }),
    changesPerSecond: positive('changes', values.changes, 50),
    subscriptionSeconds: positive('subscription-seconds', values['subscription-seconds'], 30),
    mode: quick ? 'quick' : 'full',
    rounds: positive('rounds', values.rounds, quick ? 1 : 3, { integer: true }),
    durationSeconds: positive('duration', values.duration, quick ? 1.25 : 10),
    warmupSeconds: positive('warmup', values.warmup, quick ? 0.5 : 5, { zero: true }),
    connections: positive('connections', values.connections, 50, { integer: true }),
    soakSeconds: positive('soak', values.soak, quick ? 0 : 30, { zero: true }),
    ops: ops as OperationId[],
    sizes,
    configs: configs as ConfigId[],
    logLevel,
    outDir: values.out ?? defaultOutDir,
    databaseUrl: env['BENCH_DATABASE_URL'] || undefined,
    cacheRedisUrl: env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379',
    dataset: FULL_DATASET,
  };
}
