// `npm run bench [-- --quick]`: measures, writes bench/results/, prints the headline and the table.
import os from 'node:os';
import { join } from 'node:path';
import { ENV_KEYS as ROUTER_ENV_KEYS } from '@supergraph/router/env';
import { renderMarkdown } from './markdown.ts';
import { runMeta } from './meta.ts';
import { parseOptions, USAGE } from './options.ts';
import { writeResults } from './output.ts';
import { installLoopbackGuard } from './process/loopback-guard.ts';
import { benchCacheStore } from './cache-store.ts';
import { buildResults } from './report.ts';
import { runBenchmark } from './run.ts';
import { runMix, type MixRun } from './mix/run.ts';
import type { ReportInput } from './report.ts';
import { writeSubscriptionResults } from './subscriptions/output.ts';
import { runSubscriptionScenario, subscriptionMarkdown } from './subscriptions/scenario.ts';

const outbound = installLoopbackGuard();
const startedAt = performance.now();
const log = (line: string) =>
  console.error(`${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)}s ${line}`);
const argv = process.argv.slice(2);
let parsed: ReturnType<typeof parseOptions>;
try {
  parsed = parseOptions(argv, process.env, join(import.meta.dirname, '..', 'results'));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { help, ...options } = parsed;
if (help) {
  console.log(USAGE);
  process.exit(0);
}

// A is measured as shipped (its response cache off, the default); A+cache turns it on. A router without a
// response cache has no A+cache, and the speed-up stays null rather than be guessed.
const routerHasCache = ROUTER_ENV_KEYS.includes('RESPONSE_CACHE');
if (!routerHasCache) options.configs = options.configs.filter((id) => id !== 'A+cache');
// Likewise A' (A without its in-flight deduplication) exists only while the router has that switch.
if (!ROUTER_ENV_KEYS.includes('DEDUPLICATE_INFLIGHT'))
  options.configs = options.configs.filter((id) => id !== "A'");
if (!routerHasCache) options.mix.configs = options.mix.configs.filter((id) => id !== 'A+cache');
const cacheStore =
  (options.traffic.identical && options.configs.includes('A+cache')) ||
  (options.traffic.mix && options.mix.configs.includes('A+cache'))
    ? await benchCacheStore(options.cacheRedisUrl)
    : undefined;
const cacheNote = !routerHasCache
  ? 'response cache not implemented yet'
  : cacheStore
    ? `answers kept ${cacheStore.description}; best case for a cache: one caller repeating one query, entries kept per caller as long as the subgraphs’ cache hints allow (CACHE_MAX_AGE_SECONDS, 30 s by default)`
    : 'not measured in this run (--configs without A+cache)';

/** The subscriptions scenario, when asked for: its own results files, printed after the rest. */
async function subscriptionScenario(): Promise<void> {
  if (options.subscriptions === 'off') return;
  const result = await runSubscriptionScenario({
    subscribers: options.subscribers,
    changesPerSecond: options.changesPerSecond,
    seconds: options.subscriptionSeconds,
    logLevel: options.logLevel,
    databaseUrl: options.databaseUrl,
    log,
  });
  const markdown = subscriptionMarkdown(result);
  const written = await writeSubscriptionResults(result, markdown, options.outDir, argv);
  console.log(markdown);
  console.log(`written: ${written.join(', ')}`);
}

if (options.subscriptions === 'only') {
  try {
    await subscriptionScenario();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await cacheStore?.cleanup();
  }
  process.exit();
}

const meta = runMeta(options, argv, process.env, cacheNote);
try {
  const cacheEnv = cacheStore?.env ?? { RESPONSE_CACHE: 'memory' };
  // The mix first: it is the headline, and it runs on a machine not yet warmed by the identical requests.
  const mix: MixRun[] = [];
  if (options.traffic.mix) {
    for (const database of options.mix.databases) {
      mix.push(
        await runMix(
          {
            configs: options.mix.configs,
            rounds: options.rounds,
            durationSeconds: options.mix.durationSeconds,
            warmupSeconds: options.mix.warmupSeconds,
            connections: options.connections,
            soakSeconds: options.mix.soakSeconds,
            logLevel: options.logLevel,
            cacheEnv,
          },
          database === 'postgres' ? options.mix.postgresUrl : undefined,
          log,
        ),
      );
    }
  }
  const input: ReportInput = options.traffic.identical
    ? await runBenchmark(options, meta, { log, outbound, cacheNote, cacheEnv })
    : {
        meta,
        samples: [],
        probes: [],
        peakRssMB: {},
        soak: { skipped: '--traffic mix' },
        outbound: { 'load-generator': outbound() },
        cacheNote,
      };
  input.mix = mix;
  // The machine is shared: how busy it was is part of what the numbers mean.
  Object.assign(meta.machine, { loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100) });
  const results = buildResults(input);
  const markdown = renderMarkdown(results);
  const files = await writeResults(results, markdown, options.outDir);
  console.log(`headline: ${JSON.stringify(results.headline, null, 2)}\n`);
  console.log(markdown);
  console.log(`written: ${Object.values(files).join(', ')}`);
  if (!results.valid) {
    console.error(
      `\nTHE RUN IS NOT VALID:\n${results.invalidReasons.map((reason) => `  - ${reason}`).join('\n')}`,
    );
    process.exitCode = 1;
  }
  await subscriptionScenario();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cacheStore?.cleanup();
}
