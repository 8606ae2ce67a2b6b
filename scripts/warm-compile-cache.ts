/**
 * Fills Node's on-disk compile cache (NODE_COMPILE_CACHE) for the modules a service loads, without running
 * them: `node scripts/warm-compile-cache.ts <entry.ts>… [--require <module.ts>]…`. A service started later with
 * the same cache directory takes each TypeScript file's stripped source (and V8's code) from the cache, so it
 * never loads Node's type stripper, whose parser otherwise stays in the process's memory for its whole life
 * (docs/operations.md, "Gateway memory"). The Docker image runs it at build time; the benchmark before it
 * starts its servers.
 *
 * How: one module imports a module that throws, then the entries. Node fetches, strips and compiles the whole
 * static graph before evaluating any of it, and evaluation stops at the first module, so nothing of the
 * entries runs: no server, no connection, no environment read. Modules an entry imports dynamically are not
 * in the static graph; pass them as entries of their own. A module the service loads with require() is cached
 * under its path, not its URL: pass it after `--require`, and it is required (so it runs: only for modules
 * that merely define things).
 *
 * V8 keys the cache by some of its flags (`--expose-gc`, `--heap-growing-percent`… change the key; the
 * heap-sizing flags a service starts with do not) and Node by the user id: run this with the flags the
 * service starts with, as the user it runs as.
 */
import { constants, createRequire, enableCompileCache, flushCompileCache } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const STOP = Symbol.for('warm-compile-cache: stop before evaluation');

/** A `data:` module that throws STOP as soon as it is evaluated. */
const STOP_MODULE = `data:text/javascript,${encodeURIComponent('throw Symbol.for("warm-compile-cache: stop before evaluation")')}`;

/** Node's own TypeScript stripper, as `process.moduleLoadList` names it once loaded. */
const TYPE_STRIPPER_MODULE = 'internal/deps/amaro';

/**
 * Whether a process whose `process.moduleLoadList` this is loaded Node's type stripper: one that started from
 * a warm compile cache never does, so a module that missed the cache shows here.
 */
export function loadedTypeStripper(moduleLoadList: readonly string[]): boolean {
  return moduleLoadList.some((name) => name.includes(TYPE_STRIPPER_MODULE));
}

export interface WarmEntries {
  /** Loaded as the service imports them: their static graphs, none of it evaluated. */
  imported: readonly string[];
  /** Loaded as the service require()s them, and so evaluated. */
  required?: readonly string[];
}

export interface WarmResult {
  /** The directory Node writes this Node version's, flags' and user's entries to. */
  directory: string;
  entries: string[];
}

/**
 * Loads every module the entries import statically (and the required ones) into the compile cache that
 * NODE_COMPILE_CACHE names, and writes it to disk. Throws when an entry or one of its imports does not load
 * (a syntax error, a missing file), as starting the service would.
 */
export async function warmCompileCache({ imported, required = [] }: WarmEntries): Promise<WarmResult> {
  if (imported.length + required.length === 0)
    throw new Error('warm-compile-cache: name at least one entry file');
  // Without it Node would pick a directory under the system's temp directory that no service reads.
  if (!process.env['NODE_COMPILE_CACHE'])
    throw new Error("warm-compile-cache: set NODE_COMPILE_CACHE to the services' cache directory");
  // Node enabled the cache from NODE_COMPILE_CACHE at start; this reports where, or why not.
  const enabled = enableCompileCache();
  if (enabled.status !== constants.compileCacheStatus.ALREADY_ENABLED || !enabled.directory) {
    throw new Error(
      `warm-compile-cache: the compile cache is not on${enabled.message ? `: ${enabled.message}` : ''}`,
    );
  }
  const urls = imported.map((entry) => pathToFileURL(resolve(entry)).href);
  if (urls.length > 0) {
    const source = [STOP_MODULE, ...urls].map((url) => `import ${JSON.stringify(url)};`).join('\n');
    try {
      await import(`data:text/javascript,${encodeURIComponent(source)}`);
      throw new Error('warm-compile-cache: the entries were evaluated; nothing should have run');
    } catch (error) {
      if (error !== STOP) throw error;
    }
  }
  const paths = required.map((entry) => resolve(entry));
  const require = createRequire(import.meta.url);
  for (const path of paths) require(path);
  flushCompileCache();
  return { directory: enabled.directory, entries: [...urls, ...paths] };
}

/** `<entry>… [--require <module>]…` → the entries. */
export function parseWarmArguments(args: readonly string[]): WarmEntries {
  const imported: string[] = [];
  const required: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    if (args[index] !== '--require') imported.push(args[index]!);
    else if (args[index + 1] === undefined) throw new Error('warm-compile-cache: --require needs a file');
    else required.push(args[(index += 1)]!);
  }
  return { imported, required };
}

if (import.meta.main) {
  const result = await warmCompileCache(parseWarmArguments(process.argv.slice(2)));
  console.log(`compile cache warmed in ${result.directory} for ${result.entries.join(', ')}`);
}
