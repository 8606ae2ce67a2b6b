import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@supergraph/service-kit/logger';
import { readSupergraph } from './supergraph.ts';

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
  { debounceMs = 100 } = {},
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
      if (nextDigest === currentDigest) return;
      try {
        update(next);
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
    const watcher: FSWatcher = watch(dirname(path), (_event, file) => {
      if (file !== null && file !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
    watcher.unref();
    logger.info({ supergraph: path, version: currentDigest }, 'watching the supergraph for changes');
    return {
      supergraphSdl: current,
      async cleanup() {
        clearTimeout(timer);
        watcher.close();
      },
    };
  };
}
