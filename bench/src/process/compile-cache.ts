// Every benchmark server starts with a warm compile cache, as the Docker image's services do
// (scripts/warm-compile-cache.ts): its TypeScript comes stripped from the cache, so no server process carries
// Node's type stripper in its memory. Peers get the same treatment: their benchmark glue is TypeScript too.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
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

/** The caches as the warm step leaves them, one per set of flags, for this run; removed when it exits. */
const WARMED_ROOT = join(tmpdir(), `supergraph-bench-compile-cache-${process.pid}`);
process.once('exit', () => rmSync(WARMED_ROOT, { recursive: true, force: true }));

const warmed = new Map<string, Promise<string>>();

/**
 * A copy of the warmed cache for one server started with `execArgv`, in `dir`: every server starts from the
 * cache as the warm step left it, as from a read-only image, and not from what servers before it added when
 * they stopped. The cache is warmed once per set of flags in this run (V8 keys it by some of its flags;
 * profiling flags are Node's, not V8's: leave them out), in the clean environment servers get.
 */
export async function serverCompileCache(execArgv: readonly string[], dir: string): Promise<string> {
  const key = execArgv.join(' ');
  let done = warmed.get(key);
  if (!done) {
    // A folder of its own: servers with other flags may be copying theirs meanwhile.
    const warmedDir = join(WARMED_ROOT, String(warmed.size));
    done = promisify(execFile)(process.execPath, [...execArgv, WARM_SCRIPT, ...SERVER_ENTRIES], {
      env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: warmedDir },
    }).then(() => warmedDir);
    warmed.set(key, done);
  }
  await cp(await done, dir, { recursive: true });
  return dir;
}
