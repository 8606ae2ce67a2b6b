import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';

/**
 * Applies migrations, retrying with exponential backoff (with jitter, capped) while the database is
 * unreachable. The service keeps listening meanwhile and answers /health/ready with 503, so an orchestrator
 * sees "not ready" instead of a crash loop. Resolves once migrated; rejects only when `signal` aborts.
 */
export async function waitForDatabase(
  database: { migrate(): Promise<void> },
  logger: Logger,
  { signal, maxDelayMs = 30_000 }: { signal?: AbortSignal; maxDelayMs?: number } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await database.migrate();
      if (attempt > 1) logger.info({ attempt }, 'database reachable; migrations applied');
      return;
    } catch (error) {
      const delayMs = Math.min(maxDelayMs, 250 * 2 ** Math.min(attempt - 1, 10)) * (0.5 + Math.random() / 2);
      logger.warn(
        {
          attempt,
          retryInMs: Math.round(delayMs),
          err: error instanceof Error ? error.message : String(error),
        },
        'database not reachable yet; retrying',
      );
      await sleep(delayMs, undefined, { signal });
    }
  }
}
