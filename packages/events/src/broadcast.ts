import type { Logger } from '@supergraph/service-kit/logger';
import { parseEvent, type AnyEvent } from './catalogue.ts';
import { closeConnectionWithChannel, openBrokerConnection, type BrokerConnection } from './connection.ts';
import { declareExchange, topologyOf } from './topology.ts';

export interface BroadcastSubscriptionOptions {
  url: string;
  prefix: string;
  /** Shown in the broker's connection list and in logs, e.g. `orders live updates`. */
  name: string;
  logger: Logger;
  /** Topic patterns bound to the queue, e.g. `order.*`. */
  patterns: readonly string[];
  /** Every catalogued event that matches, in the order the broker delivers them. Must not throw. */
  onEvent(event: AnyEvent): void;
  /** Bound and consuming (again): events from now on arrive. */
  onConnect?(): void;
  /** The connection dropped: events published until the next `onConnect` are not seen. */
  onDisconnect?(): void;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface BroadcastSubscription {
  /** Bound and consuming right now. */
  readonly connected: boolean;
  /** The broker-named queue of the current connection; null while disconnected. */
  readonly queue: string | null;
  /** Connects in the background; resolves at once. */
  start(): Promise<void>;
  stop(): Promise<void>;
  waitForConnect(): Promise<void>;
  /** Drops the connection as a broker restart would (tests): it reconnects and declares a new queue. */
  dropConnection(): Promise<void>;
}

/**
 * Every process gets its own copy of every matching event: an exclusive, auto-deleted queue with a
 * broker-chosen name, bound to the events exchange, that lives as long as this process's connection. Unlike a
 * consumer's durable queue (one copy per service, shared by its replicas, at least once) this is for what each
 * replica must see itself, such as live updates of the clients connected to it. Delivery is at most once:
 * messages are not acknowledged, and whatever is published while the connection is down is never seen (the
 * queue dies with the connection). On reconnect a new queue is declared and bound. A message that is not a
 * catalogued event is logged and skipped.
 */
export function createBroadcastSubscription(options: BroadcastSubscriptionOptions): BroadcastSubscription {
  const { logger, name } = options;
  const topology = topologyOf(options.prefix);
  let connection: BrokerConnection | null = null;
  let queue: string | null = null;
  let stopped = false;

  return {
    get connected() {
      return queue !== null;
    },
    get queue() {
      return queue;
    },
    async start() {
      if (connection) return;
      connection = await openBrokerConnection({
        url: options.url,
        name,
        logger,
        ...(options.reconnect ? { reconnect: options.reconnect } : {}),
        async setup(model) {
          const channel = await model.createChannel();
          closeConnectionWithChannel(model, channel, logger, name);
          await declareExchange(channel, topology);
          const declared = await channel.assertQueue('', {
            exclusive: true,
            autoDelete: true,
            durable: false,
          });
          for (const pattern of options.patterns) {
            await channel.bindQueue(declared.queue, topology.exchange, pattern);
          }
          if (stopped) return;
          await channel.consume(
            declared.queue,
            (message) => {
              // null: the broker cancelled the consumer; recycling the connection declares a new queue.
              if (!message) return void model.close().catch(() => {});
              let event: AnyEvent;
              try {
                event = parseEvent(JSON.parse(message.content.toString('utf8')));
              } catch (error) {
                logger.warn(
                  { broker: name, messageId: message.properties.messageId, err: String(error) },
                  'skipped a message that is not a catalogued event',
                );
                return;
              }
              options.onEvent(event);
            },
            { noAck: true },
          );
          queue = declared.queue;
          logger.info({ broker: name, queue, patterns: options.patterns }, 'broadcast subscription bound');
          options.onConnect?.();
        },
        onDisconnect() {
          if (queue === null) return;
          queue = null;
          options.onDisconnect?.();
        },
      });
    },
    async stop() {
      stopped = true;
      queue = null;
      await connection?.close();
    },
    waitForConnect: () =>
      connection ? connection.waitForConnect() : Promise.reject(new Error('broadcast not started')),
    dropConnection: async () => {
      await connection?.drop();
    },
  };
}
