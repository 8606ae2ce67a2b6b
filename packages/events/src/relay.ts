import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@supergraph/service-kit/logger';
import type { Database, DatabaseHandle } from '@supergraph/service-kit/db';
import type { ConfirmChannel } from 'amqplib';
import { asc, inArray, isNull, sql } from 'drizzle-orm';
import { closeConnectionWithChannel, openBrokerConnection, type BrokerConnection } from './connection.ts';
import type { OutboxRow, OutboxTable } from './tables.ts';
import { SUBSCRIPTIONS } from './subscriptions.ts';
import { declareConsumerQueues, declareExchange, topologyOf } from './topology.ts';

/** Test hooks: throwing from one aborts the batch exactly as a crash at that point would. */
export interface RelayFaults {
  /** After the rows were read (and, on PostgreSQL, locked), before anything is published. */
  afterRead?(rows: readonly OutboxRow[]): void | Promise<void>;
  /** After the broker confirmed every message, before the rows are marked published. */
  afterPublish?(rows: readonly OutboxRow[]): void | Promise<void>;
}

export interface OutboxRelayOptions<TSchema extends Record<string, unknown>> {
  /** amqp:// URL of the broker. */
  url: string;
  /** Prefix of the exchange name (see topology.ts). */
  prefix: string;
  /** The producing service: the messages' appId and the connection's name. */
  service: string;
  logger: Logger;
  database: Pick<DatabaseHandle<TSchema>, 'db' | 'kind'>;
  outbox: OutboxTable;
  /** Pause between polls when the outbox is empty. */
  pollIntervalMs?: number;
  /** Rows published per transaction. */
  batchSize?: number;
  /** A batch whose confirms take longer fails (and the connection is recycled). */
  confirmTimeoutMs?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  faults?: RelayFaults;
}

export interface OutboxRelay {
  /** Connects (in the background: a missing broker only delays events) and starts polling. */
  start(): Promise<void>;
  /** Stops polling after the batch in flight, and disconnects. */
  stop(): Promise<void>;
  /** Publishes one batch now; resolves with how many rows were published. Throws when not connected. */
  publishPending(): Promise<number>;
  waitForConnect(): Promise<void>;
  /** Drops the broker connection as a broker restart would (tests). */
  dropConnection(): Promise<void>;
  /** Counters for metrics. */
  readonly stats: { published: number; failedBatches: number };
}

/**
 * Publishes outbox rows to RabbitMQ, at least once and in `seq` order within a batch:
 *
 * 1. read the oldest unpublished rows — on PostgreSQL `FOR UPDATE SKIP LOCKED` inside a transaction, so
 *    several replicas share the work without publishing the same row at the same time;
 * 2. publish each on a confirm channel and wait for the broker's confirms (the broker has the message);
 * 3. only then mark the rows published, and commit.
 *
 * A crash anywhere before 3 leaves the rows unpublished (the lock dies with the transaction), so they are
 * published again: consumers deduplicate on the event id. PGlite is one connection in one process: there the
 * batch runs outside a transaction (a transaction would hold up every other query while waiting for the
 * broker), which is safe because only this process's one relay reads its outbox.
 */
export function createOutboxRelay<TSchema extends Record<string, unknown>>(
  options: OutboxRelayOptions<TSchema>,
): OutboxRelay {
  const { logger, outbox, database, faults } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const batchSize = options.batchSize ?? 100;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  const topology = topologyOf(options.prefix);
  const name = `${options.service} outbox relay`;
  const stats = { published: 0, failedBatches: 0 };

  let connection: BrokerConnection | null = null;
  let channel: ConfirmChannel | null = null;
  let stopped = false;
  const stopping = new AbortController();
  let loop: Promise<void> | null = null;
  // One batch at a time, whoever asks (the loop, or a test).
  let tail: Promise<unknown> = Promise.resolve();

  async function publishBatch(executor: Database<TSchema>, live: ConfirmChannel): Promise<number> {
    const rows = await executor
      .select()
      .from(outbox)
      .where(isNull(outbox.publishedAt))
      .orderBy(asc(outbox.seq))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    await faults?.afterRead?.(rows);
    for (const row of rows) {
      const accepted = live.publish(topology.exchange, row.type, Buffer.from(JSON.stringify(row.event)), {
        persistent: true,
        contentType: 'application/json',
        messageId: row.id,
        type: row.type,
        appId: options.service,
        timestamp: Math.floor(Date.parse(row.event.occurredAt) / 1000),
      });
      if (!accepted) await drained(live);
    }
    await confirmed(live);
    await faults?.afterPublish?.(rows);
    await executor
      .update(outbox)
      .set({ publishedAt: sql`now()` })
      .where(
        inArray(
          outbox.id,
          rows.map((row) => row.id),
        ),
      );
    return rows.length;
  }

  async function confirmed(live: ConfirmChannel): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), confirmTimeoutMs);
    });
    try {
      if ((await Promise.race([live.waitForConfirms(), timeout])) === 'timeout') {
        // A channel that stopped answering is recycled; the rows stay unpublished and go out again.
        void connection?.drop();
        throw new Error(`the broker did not confirm within ${confirmTimeoutMs} ms`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  function publishPending(): Promise<number> {
    const run = tail.then(async () => {
      const live = channel;
      if (!live) throw new Error('not connected to the broker');
      const published =
        database.kind === 'postgres'
          ? await database.db.transaction((tx) => publishBatch(tx, live))
          : await publishBatch(database.db, live);
      stats.published += published;
      return published;
    });
    tail = run.catch(() => {});
    return run;
  }

  async function poll(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      let published = 0;
      if (channel) {
        try {
          published = await publishPending();
          failures = 0;
        } catch (error) {
          failures += 1;
          stats.failedBatches += 1;
          logger.warn(
            { err: error instanceof Error ? error.message : String(error), failures },
            'outbox batch failed; will retry',
          );
        }
      }
      if (stopped || published === batchSize) continue;
      const delay = failures
        ? Math.min(30_000, pollIntervalMs * 2 ** Math.min(failures, 10))
        : pollIntervalMs;
      await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
    }
  }

  return {
    stats,
    async start() {
      if (connection) return;
      connection = await openBrokerConnection({
        url: options.url,
        name,
        logger,
        ...(options.reconnect ? { reconnect: options.reconnect } : {}),
        async setup(model) {
          const live = await model.createConfirmChannel();
          closeConnectionWithChannel(model, live, logger, name);
          await declareExchange(live, topology);
          for (const [consumer, types] of Object.entries(SUBSCRIPTIONS)) {
            await declareConsumerQueues(live, topology, consumer, types);
          }
          channel = live;
        },
        onDisconnect() {
          channel = null;
        },
      });
      loop = poll();
      logger.info({ exchange: topology.exchange }, 'outbox relay started');
    },
    async stop() {
      stopped = true;
      stopping.abort();
      await loop;
      await tail;
      channel = null;
      await connection?.close();
    },
    publishPending,
    waitForConnect: () =>
      connection ? connection.waitForConnect() : Promise.reject(new Error('relay not started')),
    dropConnection: async () => {
      await connection?.drop();
    },
  };
}

/** Waits until a channel's write buffer has room again (or fails if it closes first). */
function drained(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      channel.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      channel.off('drain', onDrain);
      reject(new Error('channel closed'));
    };
    channel.once('drain', onDrain);
    channel.once('close', onClose);
  });
}
