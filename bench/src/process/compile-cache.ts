// Every benchmark server starts with a warm compile cache, as the Docker image's services do
// (scripts/warm-compile-cache.ts): its TypeScript comes stripped from the cache, so no server process carries
// Node's type stripper in its memory. Peers get the same treatment: their benchmark glue is TypeScript too.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SRC = join(import.meta.dirname, '..');
const WARM_SCRIPT = join(import.meta.dirname, '../../../scripts/warm-compile-cache.ts');

/**
 * What a server process loads: the child entry and, since servers.ts imports each configuration only when
 * it starts, every module it may import dynamically.
 */
export const SERVER_ENTRIES = [
  'process/child.ts',
  'process/heap-sampling.ts',
  'servers.ts',
  'auth.ts',
  'mix/manifest.ts',
  'configs/subgraph.ts',
  'configs/monolith.ts',
  'configs/our-gateway.ts',
  'configs/hive-gateway.ts',
  'configs/bare-apollo-gateway.ts',
].map((entry) => join(SRC, entry));

/** One cache directory for this benchmark run, removed when it exits. */
export const COMPILE_CACHE_DIR = join(tmpdir(), `supergraph-bench-compile-cache-${process.pid}`);
process.once('exit', () => rmSync(COMPILE_CACHE_DIR, { recursive: true, force: true }));

const warmed = new Map<string, Promise<void>>();

/**
 * Warms the cache for servers started with `execArgv` (V8 keys the cache by some of its flags), once per
 * set of flags in this run. Profiling flags are Node's, not V8's: leave them out.
 */
export function warmServerCompileCache(execArgv: readonly string[]): Promise<void> {
  const key = execArgv.join(' ');
  let done = warmed.get(key);
  if (!done) {
    done = promisify(execFile)(process.execPath, [...execArgv, WARM_SCRIPT, ...SERVER_ENTRIES], {
      env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE_DIR },
    }).then(() => undefined);
    warmed.set(key, done);
  }
  return done;
}
