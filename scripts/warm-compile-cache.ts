/**
 * Fills Node's on-disk compile cache (NODE_COMPILE_CACHE) for the modules an entry file loads, without running
 * them: `node scripts/warm-compile-cache.ts <entry.ts>…`. A service started later with the same cache
 * directory takes each TypeScript file's stripped source (and V8's code) from the cache, so it never loads
 * Node's type stripper, whose parser otherwise stays in the process's memory for its whole life
 * (docs/operations.md, "Gateway memory"). The Docker image runs it at build time; the benchmark before it
 * starts its servers.
 *
 * How: one module imports a module that throws, then the entries. Node fetches, strips and compiles the whole
 * static graph before evaluating any of it, and evaluation stops at the first module, so nothing of the
 * entries runs: no server, no connection, no environment read. Modules an entry imports dynamically are not
 * in the static graph; pass them as entries of their own.
 *
 * V8 keys the cache by some of its flags (`--expose-gc`, `--heap-growing-percent`… change the key; the
 * heap-sizing flags a service starts with do not): run this with the flags the service starts with.
 */
import { enableCompileCache, flushCompileCache, constants } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const STOP = Symbol.for('warm-compile-cache: stop before evaluation');

/** A `data:` module that throws STOP as soon as it is evaluated. */
const STOP_MODULE = `data:text/javascript,${encodeURIComponent('throw Symbol.for("warm-compile-cache: stop before evaluation")')}`;

export interface WarmResult {
  /** The directory Node writes this Node version's and flags' entries to. */
  directory: string;
  entries: string[];
}

/**
 * Loads every module `entries` import statically into the compile cache in `directory` and writes it to
 * disk. Throws when an entry or one of its imports does not load (a syntax error, a missing file), as
 * starting the service would.
 */
export async function warmCompileCache(
  entries: readonly string[],
  directory = process.env['NODE_COMPILE_CACHE'],
): Promise<WarmResult> {
  if (entries.length === 0) throw new Error('warm-compile-cache: name at least one entry file');
  // Without a directory Node would pick one under the system's temp directory that no service reads.
  if (!directory)
    throw new Error("warm-compile-cache: set NODE_COMPILE_CACHE to the services' cache directory");
  const enabled = enableCompileCache(directory);
  if (
    enabled.status !== constants.compileCacheStatus.ENABLED &&
    enabled.status !== constants.compileCacheStatus.ALREADY_ENABLED
  ) {
    throw new Error(
      `warm-compile-cache: the compile cache could not be enabled in ${directory}${enabled.message ? `: ${enabled.message}` : ''}`,
    );
  }
  const urls = entries.map((entry) => pathToFileURL(resolve(entry)).href);
  const source = [STOP_MODULE, ...urls].map((url) => `import ${JSON.stringify(url)};`).join('\n');
  try {
    await import(`data:text/javascript,${encodeURIComponent(source)}`);
    throw new Error('warm-compile-cache: the entries were evaluated; nothing should have run');
  } catch (error) {
    if (error !== STOP) throw error;
  }
  flushCompileCache();
  return { directory: enabled.directory!, entries: urls };
}

if (import.meta.main) {
  const result = await warmCompileCache(process.argv.slice(2));
  console.log(`compile cache warmed in ${result.directory} for ${result.entries.join(', ')}`);
}
