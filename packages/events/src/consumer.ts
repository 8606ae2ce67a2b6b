import type { Logger } from '@supergraph/service-kit/logger';
import { isDatabaseUnavailable, type Database, type DatabaseHandle } from '@supergraph/service-kit/db';
import type { ConfirmChannel, ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import { parseEvent, type AnyEvent, type Event, type EventType } from './catalogue.ts';
import { closeConnectionWithChannel, openBrokerConnection, type BrokerConnection } from './connection.ts';
import type { InboxTable } from './tables.ts';
import { declareConsumerQueues, topologyOf, type ConsumerQueues } from './topology.ts';

/** Applies one event inside the consumer's transaction (`tx`): everything it writes commits with the inbox row. */
export type EventHandler<TSchema extends Record<string, unknown>, T extends EventType> = (
  event: Event<T>,
  tx: Database<TSchema>,
) => Promise<void>;

export type EventHandlers<TSchema extends Record<string, unknown>> = {
  [T in EventType]?: EventHandler<TSchema, T>;
};

export type ApplyOutcome = 'processed' | 'duplicate';

/**
 * Applies `event` at most once per consumer: the inbox row and the handler's effect commit in one
 * transaction, and an event whose id the inbox already holds changes nothing. A concurrent duplicate (two
 * replicas handed the same message) waits on the inbox's primary key and then finds it taken.
 */
export function applyOnce<TSchema extends Record<string, unknown>>(
  db: Database<TSchema>,
  inbox: InboxTable,
  consumer: string,
  handlers: EventHandlers<TSchema>,
  event: AnyEvent,
): Promise<ApplyOutcome> {
  return db.transaction(async (tx) => {
    const fresh = await tx
      .insert(inbox)
      .values({ consumer, eventId: event.id, type: event.type })
      .onConflictDoNothing()
      .returning({ eventId: inbox.eventId });
    if (fresh.length === 0) return 'duplicate';
    const handler = handlers[event.type] as EventHandler<TSchema, EventType> | undefined;
    await handler?.(event, tx);
    return 'processed';
  });
}

export interface EventConsumerOptions<TSchema extends Record<string, unknown>> {
  url: string;
  prefix: string;
  /** Names the queue (`<prefix><name>`) and the inbox rows, e.g. `orders`. */
  name: string;
  logger: Logger;
  database: Pick<DatabaseHandle<TSchema>, 'db'>;
  inbox: InboxTable;
  /** One per event type consumed; the queue is bound to exactly these types. */
  handlers: EventHandlers<TSchema>;
  /** Handling attempts before a message is dead-lettered (1 = no retry). */
  maxAttempts?: number;
  /** Backoff before the first retry; doubles each attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Messages the broker hands over ahead of their handling. */
  prefetch?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface ConsumerStats {
  /** Events applied. */
  processed: number;
  /** Redeliveries the inbox recognised and skipped. */
  duplicates: number;
  /** Failed attempts sent to wait in the retry queue. */
  retried: number;
  /** Messages given up on: malformed, unknown, or failing `maxAttempts` times. */
  deadLettered: number;
}

export interface EventConsumer {
  readonly queues: ConsumerQueues;
  readonly stats: ConsumerStats;
  /** Connects (in the background) and consumes; resolves at once. */
  start(): Promise<void>;
  /** Stops consuming, lets the message in hand finish, disconnects. Unacked messages return to the queue. */
  stop(): Promise<void>;
  /** Resolves once connected and consuming. */
  waitForConnect(): Promise<void>;
  /** Drops the broker connection as a broker restart would (tests). */
  dropConnection(): Promise<void>;
}

/** Headers this consumer keeps on a message it republishes. */
const ATTEMPTS_HEADER = 'x-attempts';
const ERROR_HEADER = 'x-last-error';

/**
 * Consumes a service's queue: each message is parsed against the catalogue, applied once (see `applyOnce`),
 * and acknowledged only after its transaction committed. Messages are handled one at a time, in queue order.
 *
 * A failing message is acknowledged only once a copy is safely elsewhere (publisher confirms): in the retry
 * queue with a per-message TTL (exponential backoff) and an attempt count, or, after `maxAttempts`, in the
 * dead-letter queue with its last error — logged and counted. A message that is not a known event goes to the
 * dead-letter queue at once. A database outage does not use up attempts. Losing the connection at any point
 * leaves the message unacknowledged, so the broker delivers it again; the inbox makes that harmless.
 */
export function createEventConsumer<TSchema extends Record<string, unknown>>(
  options: EventConsumerOptions<TSchema>,
): EventConsumer {
  const { logger, name, handlers } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const prefetch = options.prefetch ?? 10;
  const topology = topologyOf(options.prefix);
  const queues = topology.queuesOf(name);
  const eventTypes = Object.keys(handlers);
  const label = `${name} event consumer`;
  const stats: ConsumerStats = { processed: 0, duplicates: 0, retried: 0, deadLettered: 0 };

  let connection: BrokerConnection | null = null;
  let live: { channel: ConfirmChannel; consumerTag: string } | null = null;
  let stopped = false;
  // Messages are handled one after another, in delivery order.
  let chain: Promise<void> = Promise.resolve();

  async function handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    // Delivered on a connection that has since gone: the broker delivers it again on the new one.
    if (live?.channel !== channel) return;
    const attempts = attemptsOf(message);
    let event: AnyEvent;
    try {
      event = parseEvent(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      await deadLetter(channel, message, attempts + 1, error);
      return;
    }
    try {
      const outcome = await applyOnce(options.database.db, options.inbox, name, handlers, event);
      if (outcome === 'duplicate') stats.duplicates += 1;
      else stats.processed += 1;
      logger.debug({ eventId: event.id, type: event.type, outcome }, 'event consumed');
    } catch (error) {
      // An unreachable database is not the message's fault: retry it without using up an attempt.
      const failures = isDatabaseUnavailable(error) ? attempts : attempts + 1;
      if (failures >= maxAttempts) await deadLetter(channel, message, failures, error, event);
      else await retryLater(channel, message, failures, error, event);
      return;
    }
    ack(channel, message);
  }

  async function retryLater(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    failures: number,
    error: unknown,
    event: AnyEvent,
  ) {
    const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.max(0, failures - 1));
    channel.sendToQueue(queues.retry, message.content, {
      ...republished(message, failures, error),
      expiration: String(delay),
    });
    await channel.waitForConfirms();
    ack(channel, message);
    stats.retried += 1;
    logger.warn(
      { eventId: event.id, type: event.type, attempt: failures, retryInMs: delay, err: describe(error) },
      'event handling failed; will retry',
    );
  }

  async function deadLetter(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    attempts: number,
    error: unknown,
    event?: AnyEvent,
  ) {
    channel.publish(
      topology.deadLetterExchange,
      queues.main,
      message.content,
      republished(message, attempts, error),
    );
    await channel.waitForConfirms();
    ack(channel, message);
    stats.deadLettered += 1;
    logger.error(
      {
        eventId: event?.id ?? message.properties.messageId,
        type: event?.type ?? message.properties.type,
        attempts,
        deadLetterQueue: queues.deadLetter,
        err: describe(error),
      },
      'event dead-lettered',
    );
  }

  return {
    queues,
    stats,
    async start() {
      if (connection) return;
      connection = await openBrokerConnection({
        url: options.url,
        name: label,
        logger,
        ...(options.reconnect ? { reconnect: options.reconnect } : {}),
        async setup(model) {
          const channel = await model.createConfirmChannel();
          closeConnectionWithChannel(model, channel, logger, label);
          await declareConsumerQueues(channel, topology, name, eventTypes);
          await channel.prefetch(prefetch);
          if (stopped) return;
          const { consumerTag } = await channel.consume(
            queues.main,
            (message) => {
              // null: the broker cancelled the consumer (its queue was deleted); reconnecting declares it again.
              if (!message) return void model.close().catch(() => {});
              chain = chain
                .then(() => handle(channel, message))
                .catch((error: unknown) =>
                  logger.warn({ err: describe(error) }, 'message left for redelivery'),
                );
            },
            { noAck: false },
          );
          live = { channel, consumerTag };
        },
        onDisconnect() {
          live = null;
        },
      });
      logger.info({ queue: queues.main, eventTypes }, 'event consumer started');
    },
    async stop() {
      stopped = true;
      const current = live;
      live = null;
      if (current) await current.channel.cancel(current.consumerTag).catch(() => {});
      await chain;
      await connection?.close();
    },
    waitForConnect: () =>
      connection ? connection.waitForConnect() : Promise.reject(new Error('consumer not started')),
    dropConnection: async () => {
      await connection?.drop();
    },
  };
}

function attemptsOf(message: ConsumeMessage): number {
  const value = Number(message.properties.headers?.[ATTEMPTS_HEADER] ?? 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

/** The message's own properties, with our attempt count and last error; the broker's x-death trail is dropped. */
function republished(message: ConsumeMessage, attempts: number, error: unknown): Options.Publish {
  const headers: MessagePropertyHeaders = {};
  for (const [key, value] of Object.entries(message.properties.headers ?? {})) {
    if (!/^x-(death|first-death-|last-death-)/.test(key)) headers[key] = value;
  }
  headers[ATTEMPTS_HEADER] = attempts;
  headers[ERROR_HEADER] = describe(error).slice(0, 1_000);
  const { contentType, messageId, type, appId, timestamp } = message.properties;
  return {
    persistent: true,
    headers,
    ...(contentType ? { contentType: String(contentType) } : {}),
    ...(messageId ? { messageId: String(messageId) } : {}),
    ...(type ? { type: String(type) } : {}),
    ...(appId ? { appId: String(appId) } : {}),
    ...(timestamp ? { timestamp: Number(timestamp) } : {}),
  };
}

function ack(channel: ConfirmChannel, message: ConsumeMessage): void {
  try {
    channel.ack(message);
  } catch {
    // The channel closed after the commit: the broker redelivers, and the inbox recognises the event.
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
