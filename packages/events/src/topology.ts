import type { Channel } from 'amqplib';

/**
 * Names of everything on the broker, all under one prefix (`supergraph.` by default; tests use a unique one
 * per run so runs never collide):
 *
 * - `<prefix>events`: the topic exchange every producer publishes to, with the event type as routing key.
 * - `<prefix><consumer>`: a consumer's durable queue, bound to the event types it handles.
 * - `<prefix><consumer>.retry`: where a failed message waits out its backoff (per-message TTL), then
 *   dead-letters back into the consumer's queue.
 * - `<prefix>dead-letter` (direct exchange) → `<prefix><consumer>.dead-letter`: poison messages, kept for a
 *   human to inspect and replay.
 */
export interface Topology {
  exchange: string;
  deadLetterExchange: string;
  queuesOf(consumer: string): ConsumerQueues;
}

export interface ConsumerQueues {
  main: string;
  retry: string;
  deadLetter: string;
}

export function topologyOf(prefix: string): Topology {
  return {
    exchange: `${prefix}events`,
    deadLetterExchange: `${prefix}dead-letter`,
    queuesOf: (consumer) => ({
      main: `${prefix}${consumer}`,
      retry: `${prefix}${consumer}.retry`,
      deadLetter: `${prefix}${consumer}.dead-letter`,
    }),
  };
}

/** What a producer needs; declaring is idempotent, so every (re)connect does it. */
export async function declareExchange(channel: Channel, topology: Topology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
}

/** A consumer's queues and bindings; idempotent as long as the arguments never change. */
export async function declareConsumerQueues(
  channel: Channel,
  topology: Topology,
  consumer: string,
  eventTypes: readonly string[],
): Promise<ConsumerQueues> {
  const queues = topology.queuesOf(consumer);
  await declareExchange(channel, topology);
  await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });
  // Anything the broker itself dead-letters from the main queue (a reject) also ends in the dead-letter queue.
  await channel.assertQueue(queues.main, {
    durable: true,
    arguments: {
      'x-dead-letter-exchange': topology.deadLetterExchange,
      'x-dead-letter-routing-key': queues.main,
    },
  });
  // Expired messages go back to the main queue through the default exchange.
  await channel.assertQueue(queues.retry, {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queues.main },
  });
  await channel.assertQueue(queues.deadLetter, { durable: true });
  await channel.bindQueue(queues.deadLetter, topology.deadLetterExchange, queues.main);
  for (const type of eventTypes) await channel.bindQueue(queues.main, topology.exchange, type);
  return queues;
}
