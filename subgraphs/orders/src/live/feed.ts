import { createBroadcastSubscription, createOutboxTail, type AnyEvent } from '@supergraph/events';
import type { Logger } from '@supergraph/service-kit/logger';
import type { OrdersDatabase } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import type { OrdersEnv } from '../env.ts';
import { changeOf, type OrderUpdates } from './order-updates.ts';

export interface OrderFeed {
  /** `broker`: every replica's own queue on the events exchange; `outbox`: this database's outbox, polled. */
  readonly source: 'broker' | 'outbox';
  /** Events are arriving: subscribing is possible. */
  readonly live: boolean;
  /** Resolves once events committed from now on will arrive (at once for the broker's bound queue). */
  following(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Tests: drops the broker connection as a broker restart would (no-op for the outbox). */
  dropConnection(): Promise<void>;
}

export interface OrderFeedOptions {
  env: Pick<OrdersEnv, 'AMQP_URL' | 'EVENTS_PREFIX' | 'SUBSCRIPTIONS_OUTBOX_POLL_MS'>;
  logger: Logger;
  database: OrdersDatabase;
  updates: OrderUpdates;
  /** The feed lost events (the broker connection dropped): end the running subscriptions, retryably. */
  onInterrupted(): void;
}

/**
 * Where this process's live order updates come from. With a broker (AMQP_URL), an exclusive, auto-deleted
 * queue of this replica's own bound to `order.*` on the events exchange: every replica sees every event,
 * whichever replica wrote it (published by the outbox relay). When that connection drops, events are missed
 * until it is back, so the running subscriptions are ended (`onInterrupted`) and subscribing is refused until
 * the queue is declared again. Without a broker, the outbox of this database, polled every
 * SUBSCRIPTIONS_OUTBOX_POLL_MS while anyone is subscribed: the same events, straight from the committed rows.
 */
export function createOrderFeed({
  env,
  logger,
  database,
  updates,
  onInterrupted,
}: OrderFeedOptions): OrderFeed {
  const onEvent = (event: AnyEvent) => {
    const change = changeOf(event);
    if (change) void updates.publish(change);
  };

  if (env.AMQP_URL) {
    const broadcast = createBroadcastSubscription({
      url: env.AMQP_URL,
      prefix: env.EVENTS_PREFIX,
      name: 'orders live updates',
      logger,
      patterns: ['order.*'],
      onEvent,
      onDisconnect() {
        logger.warn('live updates interrupted (broker connection lost); ending running subscriptions');
        onInterrupted();
      },
    });
    return {
      source: 'broker',
      get live() {
        return broadcast.connected;
      },
      following: () => Promise.resolve(),
      start: () => broadcast.start(),
      stop: () => broadcast.stop(),
      dropConnection: () => broadcast.dropConnection(),
    };
  }

  const tail = createOutboxTail({
    database,
    outbox,
    logger,
    typePrefix: 'order.',
    pollIntervalMs: env.SUBSCRIPTIONS_OUTBOX_POLL_MS,
    onEvent,
    // Nobody subscribed: no reads at all (no load on the database, nothing in request statement counts).
    wanted: () => updates.size > 0,
  });
  return {
    source: 'outbox',
    get live() {
      return tail.running;
    },
    following: () => tail.following(),
    async start() {
      logger.info(
        'live updates follow this database’s outbox (AMQP_URL is unset): this process’s writes and any other writer of the same database',
      );
      await tail.start();
    },
    stop: () => tail.stop(),
    dropConnection: async () => {},
  };
}
