import type { Logger } from '@supergraph/service-kit/logger';
import type { DatabaseHandle } from '@supergraph/service-kit/db';
import { createEventConsumer, type EventConsumer, type EventHandlers } from './consumer.ts';
import type { ConsumerEnv, EventsEnv } from './env.ts';
import { createOutboxRelay, type OutboxRelay } from './relay.ts';
import type { InboxTable, OutboxTable } from './tables.ts';

export interface ServiceEventsOptions<TSchema extends Record<string, unknown>> {
  /** The service's name: the messages' appId and the consumer's queue and inbox name. */
  service: string;
  env: EventsEnv & Partial<ConsumerEnv>;
  logger: Logger;
  database: Pick<DatabaseHandle<TSchema>, 'db' | 'kind'>;
  outbox: OutboxTable;
  /** For a service that consumes events: its inbox and one handler per event type. */
  consumer?: { inbox: InboxTable; handlers: EventHandlers<TSchema> };
}

export interface ServiceEvents {
  /** False when AMQP_URL is unset: nothing connects, events wait in the outbox. */
  readonly enabled: boolean;
  readonly relay: OutboxRelay | null;
  readonly consumer: EventConsumer | null;
  /** Starts the relay (and consumer) in the background; call after migrations. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A service's relay and consumer, configured from its env; what `src/index.ts` starts and stops. */
export function createServiceEvents<TSchema extends Record<string, unknown>>(
  options: ServiceEventsOptions<TSchema>,
): ServiceEvents {
  const { env, logger, service } = options;
  const url = env.AMQP_URL;
  if (!url) {
    return {
      enabled: false,
      relay: null,
      consumer: null,
      async start() {
        logger.warn(
          'events are off (AMQP_URL is unset): events wait in the outbox until a broker is configured',
        );
      },
      async stop() {},
    };
  }
  const relay = createOutboxRelay({
    url,
    prefix: env.EVENTS_PREFIX,
    service,
    logger,
    database: options.database,
    outbox: options.outbox,
    pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
    batchSize: env.OUTBOX_BATCH_SIZE,
  });
  const consumer = options.consumer
    ? createEventConsumer({
        url,
        prefix: env.EVENTS_PREFIX,
        name: service,
        logger,
        database: options.database,
        inbox: options.consumer.inbox,
        handlers: options.consumer.handlers,
        ...(env.EVENTS_MAX_ATTEMPTS ? { maxAttempts: env.EVENTS_MAX_ATTEMPTS } : {}),
        ...(env.EVENTS_RETRY_DELAY_MS ? { retryDelayMs: env.EVENTS_RETRY_DELAY_MS } : {}),
      })
    : null;
  return {
    enabled: true,
    relay,
    consumer,
    async start() {
      await consumer?.start();
      await relay.start();
    },
    async stop() {
      await relay.stop();
      await consumer?.stop();
    },
  };
}
