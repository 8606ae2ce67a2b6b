import type { Logger } from '@supergraph/service-kit/logger';
import { connect, type Channel, type ChannelModel } from 'amqplib';

export interface BrokerConnectionOptions {
  /** amqp:// URL; never logged (it holds the password). */
  url: string;
  /** Shown in the broker's connection list and in logs, e.g. `users outbox relay`. */
  name: string;
  logger: Logger;
  /**
   * Runs on every (re)connect with the new connection, before it counts as connected: declare the topology,
   * open channels, start consuming. When it throws, the connection is closed and tried again later.
   */
  setup(connection: ChannelModel): Promise<void>;
  /** Runs as soon as the connection is lost, before reconnecting: forget channels of the old connection. */
  onDisconnect?(): void;
  /** Backoff between reconnect attempts: exponential from `initialDelayMs` up to `maxDelayMs`, with jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
}

export interface BrokerConnection {
  readonly connected: boolean;
  /** Resolves once connected (at once when already connected). */
  waitForConnect(): Promise<void>;
  /** Closes the live connection as a broker restart would: it reconnects by itself. For tests and drills. */
  drop(): Promise<void>;
  /** Closes for good. */
  close(): Promise<void>;
}

/**
 * A connection to RabbitMQ that comes back by itself. It is returned at once, connected or not: a broker that
 * is down when the service starts, or restarts under it, delays events but never fails the service. Uses
 * amqplib's built-in recovery (exponential backoff with jitter, retrying forever).
 */
export async function openBrokerConnection(options: BrokerConnectionOptions): Promise<BrokerConnection> {
  const { logger, name } = options;
  let current: ChannelModel | null = null;
  const waiters = new Set<() => void>();

  const recovering = await connect(options.url, {
    clientProperties: { connection_name: name },
    recovery: {
      waitForConnect: false,
      initialDelay: options.reconnect?.initialDelayMs ?? 200,
      maxDelay: options.reconnect?.maxDelayMs ?? 30_000,
      maxRetries: Infinity,
      setup: async (model: ChannelModel) => {
        // An 'error' without a listener would throw; the close that follows it is what triggers recovery.
        model.on('error', (error: Error) =>
          logger.warn({ broker: name, err: error.message }, 'broker connection error'),
        );
        await options.setup(model);
      },
    },
  });
  recovering.on('connect', (model: ChannelModel) => {
    current = model;
    logger.info({ broker: name }, 'connected to the broker');
    for (const wake of waiters) wake();
    waiters.clear();
  });
  recovering.on('disconnect', (error: Error) => {
    current = null;
    options.onDisconnect?.();
    logger.warn({ broker: name, err: error.message }, 'broker connection lost; reconnecting');
  });
  recovering.on(
    'reconnect-scheduled',
    ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) =>
      logger.warn(
        { broker: name, attempt, retryInMs: delay, err: error.message },
        'broker unreachable; retrying',
      ),
  );
  recovering.on('error', (error: Error) =>
    logger.warn({ broker: name, err: error.message }, 'broker connection error'),
  );
  recovering.on('blocked', (reason: string) =>
    logger.warn({ broker: name, reason }, 'broker blocked this connection'),
  );

  return {
    get connected() {
      return current !== null;
    },
    waitForConnect() {
      if (current) return Promise.resolve();
      return new Promise((resolve) => waiters.add(resolve));
    },
    async drop() {
      await current?.close().catch(() => {});
    },
    async close() {
      current = null;
      await recovering.close();
    },
  };
}

/**
 * Makes any failure of `channel` (a protocol error closes a channel but not its connection) a failure of
 * the whole connection, so recovery rebuilds everything along one well-tested path.
 */
export function closeConnectionWithChannel(
  connection: ChannelModel,
  channel: Channel,
  logger: Logger,
  name: string,
): void {
  channel.on('error', (error: Error) =>
    logger.warn({ broker: name, err: error.message }, 'broker channel error'),
  );
  // Closing an already closed connection rejects; that is the normal case when the connection went first.
  channel.on('close', () => connection.close().catch(() => {}));
}
