import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@supergraph/service-kit/logger';
import { readSupergraph } from './supergraph.ts';

/**
 * Files served with the supergraph (the trusted documents): a change to either reloads the pair, and a pair
 * that does not go together is refused as a whole, so a deploy that changes both never half-applies.
 */
export interface SupergraphCompanion {
  readonly path: string;
  /** Readies what goes with `sdl`; throws to refuse the pair. */
  prepare(sdl: string): Promise<{ commit(): void }>;
}

const digest = (sdl: string) => createHash('sha256').update(sdl).digest('hex').slice(0, 12);

/**
 * Serves the supergraph file and follows it: when the file changes (a deploy writes a newly composed
 * supergraph), the gateway swaps to the new schema. Apollo Gateway builds the new schema and query planner
 * first and switches atomically, so requests in flight finish on the old one and none is dropped. A file
 * that does not load (bad SDL, half-written) is refused and the gateway keeps serving the previous version.
 *
 * The folder is watched rather than the file, because deploy tools replace files by renaming a new one
 * over the old, which a watch on the old file would not see.
 */
export function watchedSupergraph(
  path: string,
  logger: Logger,
  { debounceMs = 100, companion }: { debounceMs?: number; companion?: SupergraphCompanion } = {},
): SupergraphSdlHook {
  return async ({ update }) => {
    let current = await readSupergraph(path);
    let currentDigest = digest(current);
    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      let next: string;
      try {
        next = await readSupergraph(path);
      } catch (error) {
        logger.warn(
          { err: (error as Error).message },
          'supergraph file unreadable; keeping the current schema',
        );
        return;
      }
      const nextDigest = digest(next);
      let prepared: Awaited<ReturnType<SupergraphCompanion['prepare']>> | undefined;
      try {
        prepared = await companion?.prepare(next);
      } catch (error) {
        logger.error(
          { err: (error as Error).message, rejected: nextDigest },
          'supergraph and trusted documents refused together; keeping the current ones',
        );
        return;
      }
      if (nextDigest === currentDigest) {
        prepared?.commit();
        return;
      }
      try {
        update(next);
        prepared?.commit();
        logger.info({ from: currentDigest, to: nextDigest }, 'supergraph reloaded');
        current = next;
        currentDigest = nextDigest;
      } catch (error) {
        logger.error(
          { err: (error as Error).message, rejected: nextDigest },
          'supergraph update refused; keeping the current schema',
        );
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    };
    const files = [path, ...(companion ? [companion.path] : [])];
    const names = new Set(files.map((file) => basename(file)));
    const watchers: FSWatcher[] = [...new Set(files.map((file) => dirname(file)))].map((folder) =>
      watch(folder, (_event, file) => {
        if (file === null || names.has(file)) schedule();
      }),
    );
    for (const watcher of watchers) watcher.unref();
    logger.info({ supergraph: path, version: currentDigest }, 'watching the supergraph for changes');
    return {
      supergraphSdl: current,
      async cleanup() {
        clearTimeout(timer);
        for (const watcher of watchers) watcher.close();
      },
    };
  };
}
