import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseHandle } from '@supergraph/service-kit/db';
import type { Logger } from '@supergraph/service-kit/logger';
import { and, asc, gt, inArray, isNull, max, or } from 'drizzle-orm';
import { parseEvent, type AnyEvent } from './catalogue.ts';
import type { OutboxTable } from './tables.ts';

export interface OutboxTailOptions<TSchema extends Record<string, unknown>> {
  database: Pick<DatabaseHandle<TSchema>, 'db'>;
  outbox: OutboxTable;
  logger: Logger;
  /** Only events whose type starts with this, e.g. `order.`. */
  typePrefix: string;
  pollIntervalMs: number;
  /** Every matching event committed after `start`, once, in `seq` order per poll. Must not throw. */
  onEvent(event: AnyEvent): void;
  /** How long a hole in `seq` is watched for a transaction that commits late (default 10 s). */
  gapWindowMs?: number;
}

export interface OutboxTail {
  /** Reading the outbox: events committed from now on arrive. */
  readonly running: boolean;
  /** Starts polling in the background; resolves at once. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Most holes watched at once: holes come from rolled-back transactions, a handful at a time. */
const MAX_GAPS = 10_000;

/**
 * Follows the events a process's own database commits, without a broker: polls the outbox for rows after
 * the last `seq` it saw. For when no broker is configured (AMQP_URL unset): then nothing publishes the outbox,
 * every row stays unpublished, and the poll is a range scan of the outbox's partial index on unpublished rows.
 * Every process polling the same database sees every event, so this works across replicas too.
 *
 * `seq` is taken when a row is inserted, not when it commits: a transaction that commits after a later one
 * leaves a hole that is filled later. Holes are re-read on every poll for `gapWindowMs` (a rolled-back
 * transaction's hole never fills, and is dropped then); an event committed later than that is missed.
 */
export function createOutboxTail<TSchema extends Record<string, unknown>>(
  options: OutboxTailOptions<TSchema>,
): OutboxTail {
  const { outbox, logger } = options;
  const db = options.database.db;
  const gapWindowMs = options.gapWindowMs ?? 10_000;
  let watermark: number | null = null;
  /** seq → until when it is watched. */
  const gaps = new Map<number, number>();
  const stopping = new AbortController();
  let loop: Promise<void> | null = null;

  async function establish(): Promise<void> {
    const [row] = await db
      .select({ last: max(outbox.seq) })
      .from(outbox)
      .where(isNull(outbox.publishedAt));
    watermark = Number(row?.last ?? 0);
  }

  async function poll(from: number): Promise<void> {
    const holes = [...gaps.keys()];
    const rows = await db
      .select({ seq: outbox.seq, type: outbox.type, event: outbox.event })
      .from(outbox)
      .where(
        and(
          isNull(outbox.publishedAt),
          holes.length ? or(gt(outbox.seq, from), inArray(outbox.seq, holes)) : gt(outbox.seq, from),
        ),
      )
      .orderBy(asc(outbox.seq));
    const now = Date.now();
    let next = from;
    for (const row of rows) {
      if (row.seq > next) {
        for (let missing = next + 1; missing < row.seq && gaps.size < MAX_GAPS; missing += 1) {
          gaps.set(missing, now + gapWindowMs);
        }
        next = row.seq;
      }
      gaps.delete(row.seq);
      if (row.type.startsWith(options.typePrefix)) deliver(row.event);
    }
    for (const [seq, until] of gaps) if (until <= now) gaps.delete(seq);
    watermark = next;
  }

  function deliver(stored: unknown): void {
    try {
      options.onEvent(parseEvent(stored));
    } catch (error) {
      logger.warn({ err: String(error) }, 'skipped an outbox row that is not a catalogued event');
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        if (watermark === null) await establish();
        else await poll(watermark);
        failures = 0;
      } catch (error) {
        // The database is down or not migrated yet: keep trying, never fail the process.
        failures += 1;
        if (failures === 1 || failures % 50 === 0) {
          logger.warn(
            { err: String(error), failures },
            'reading the outbox for live updates failed; retrying',
          );
        }
      }
      const delay = failures
        ? Math.min(5_000, options.pollIntervalMs * 2 ** Math.min(failures, 6))
        : options.pollIntervalMs;
      await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
    }
  }

  return {
    get running() {
      return watermark !== null && !stopping.signal.aborted;
    },
    async start() {
      loop ??= run();
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
