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
  /** Whether anyone listens now (default: always). While nobody does, the outbox is not read at all. */
  wanted?(): boolean;
}

export interface OutboxTail {
  /** Started and not stopped. */
  readonly running: boolean;
  /**
   * Resolves once every event that commits from the moment of this call on will be delivered (the tail has
   * found where the outbox stands, by a read begun after the call). Call it after `wanted()` became true.
   */
  following(): Promise<void>;
  /** Starts polling in the background; resolves at once. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Most holes watched at once: holes come from rolled-back transactions, a handful at a time. */
const MAX_GAPS = 10_000;
/** How far below the newest row a start looks for transactions still in flight (their `seq` is already taken). */
const IN_FLIGHT_LOOKBACK = 1_000;

/**
 * Follows the events a process's own database commits, without a broker: polls the outbox for rows after
 * the last `seq` it saw. For when no broker is configured (AMQP_URL unset): then nothing publishes the outbox,
 * every row stays unpublished, and the poll is a range scan of the outbox's partial index on unpublished rows.
 * Every process polling the same database sees every event, so this works across replicas too.
 *
 * `seq` is taken when a row is inserted, not when it commits: a transaction that commits after a later one
 * leaves a hole that is filled later. Holes are re-read on every poll for `gapWindowMs` (a rolled-back
 * transaction's hole never fills, and is dropped then); an event committed later than that is missed.
 *
 * While `wanted()` is false (nobody subscribed) it reads nothing and forgets where it was; once wanted again it
 * finds where the outbox stands and follows from there (`following()` tells when).
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
  let started = false;
  let nap: AbortController | null = null;
  /** Callers of following() waiting for the next establish() to begin and finish. */
  let waiters: (() => void)[] = [];
  const wanted = options.wanted ?? (() => true);

  /** Where the outbox stands: the newest committed row, and holes below it of transactions still in flight. */
  async function establish(): Promise<void> {
    const [row] = await db
      .select({ last: max(outbox.seq) })
      .from(outbox)
      .where(isNull(outbox.publishedAt));
    const last = Number(row?.last ?? 0);
    const recent = await db
      .select({ seq: outbox.seq })
      .from(outbox)
      .where(and(isNull(outbox.publishedAt), gt(outbox.seq, last - IN_FLIGHT_LOOKBACK)));
    const present = new Set(recent.map((r) => r.seq));
    const until = Date.now() + gapWindowMs;
    gaps.clear();
    for (let seq = Math.max(1, last - IN_FLIGHT_LOOKBACK + 1); seq <= last; seq += 1) {
      if (!present.has(seq)) gaps.set(seq, until);
    }
    watermark = last;
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
        if (!wanted()) {
          watermark = null;
          gaps.clear();
          // Whoever asked has left already: nothing to follow for them.
          for (const wake of waiters.splice(0)) wake();
        } else if (watermark === null || waiters.length > 0) {
          const woken = waiters;
          waiters = [];
          if (watermark === null) await establish();
          else await poll(watermark);
          for (const wake of woken) wake();
        } else await poll(watermark);
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
      nap = new AbortController();
      await sleep(delay, undefined, { signal: AbortSignal.any([stopping.signal, nap.signal]) }).catch(
        () => {},
      );
    }
    for (const wake of waiters) wake();
  }

  return {
    get running() {
      return started && !stopping.signal.aborted;
    },
    following() {
      if (!started || stopping.signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        nap?.abort();
      });
    },
    async start() {
      started = true;
      loop ??= run();
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
