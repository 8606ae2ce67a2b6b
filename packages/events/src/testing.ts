import { randomBytes } from 'node:crypto';
import { connect, type ConfirmChannel, type MessagePropertyHeaders, type Options } from 'amqplib';
import { SUBSCRIPTIONS } from './subscriptions.ts';
import { topologyOf } from './topology.ts';

/**
 * Helpers for tests against a real RabbitMQ. Every test run uses its own name prefix, so runs never see each
 * other's messages, and deletes what it declared afterwards.
 */

/** TEST_AMQP_URL, or the local broker. */
export const testAmqpUrl = (): string => process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A prefix no other run uses, e.g. `test.relay.3f9a1c2e.`. */
export const uniquePrefix = (label: string): string =>
  `test.${label.replace(/[^\w-]/g, '_')}.${randomBytes(4).toString('hex')}.`;

/** Runs `work` on a confirm channel of a short-lived connection. */
export async function withChannel<T>(url: string, work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    return await work(channel);
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Deletes the exchanges of `prefix` and the queues of `consumers` (whatever exists of them). */
export async function deleteTopology(
  url: string,
  prefix: string,
  consumers: readonly string[],
): Promise<void> {
  const topology = topologyOf(prefix);
  // Producers declare the subscribed consumers' queues too (see subscriptions.ts): remove those as well.
  const all = new Set([...consumers, ...Object.keys(SUBSCRIPTIONS)]);
  await withChannel(url, async (channel) => {
    for (const consumer of all) {
      const queues = topology.queuesOf(consumer);
      for (const queue of [queues.main, queues.retry, queues.deadLetter]) await channel.deleteQueue(queue);
    }
    await channel.deleteExchange(topology.exchange);
    await channel.deleteExchange(topology.deadLetterExchange);
  });
}

/**
 * A queue that receives a copy of every event matching `patterns` (topic patterns such as `user.*`), to watch
 * what a producer publishes. Named like a consumer's queue, so `deleteTopology(url, prefix, [name])` removes it.
 */
export async function declareProbe(
  url: string,
  prefix: string,
  name: string,
  patterns: readonly string[],
): Promise<string> {
  const topology = topologyOf(prefix);
  const queue = topology.queuesOf(name).main;
  await withChannel(url, async (channel) => {
    await channel.assertExchange(topology.exchange, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: false });
    for (const pattern of patterns) await channel.bindQueue(queue, topology.exchange, pattern);
  });
  return queue;
}

/** Publishes a raw message to the events exchange, as a producer (or an attacker, or a bug) would. */
export async function publishRaw(
  url: string,
  prefix: string,
  routingKey: string,
  body: string,
  properties: Options.Publish = {},
): Promise<void> {
  await withChannel(url, async (channel) => {
    channel.publish(topologyOf(prefix).exchange, routingKey, Buffer.from(body), {
      persistent: true,
      ...properties,
    });
    await channel.waitForConfirms();
  });
}

export interface QueuedMessage {
  body: string;
  headers: MessagePropertyHeaders;
  messageId: string | undefined;
}

/** Takes every message currently in `queue` (acknowledging them) and returns them. */
export async function takeAll(url: string, queue: string): Promise<QueuedMessage[]> {
  return withChannel(url, async (channel) => {
    const messages: QueuedMessage[] = [];
    for (;;) {
      const message = await channel.get(queue);
      if (!message) return messages;
      messages.push({
        body: message.content.toString('utf8'),
        headers: message.properties.headers ?? {},
        messageId: message.properties.messageId as string | undefined,
      });
      channel.ack(message);
    }
  });
}

/** How many messages wait in `queue` (not counting those delivered and unacknowledged). */
export async function queueDepth(url: string, queue: string): Promise<number> {
  return withChannel(url, async (channel) => (await channel.checkQueue(queue)).messageCount);
}
