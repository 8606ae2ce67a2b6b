import { connect } from 'amqplib';

/** What a broker URL leads to: a broker that accepts its credentials, one that refuses them, or nothing. */
export type BrokerProbe = 'accepted' | 'refused' | 'unreachable';

/**
 * Opens an AMQP connection to `url` and closes it at once: unlike a TCP check, it proves the broker speaks AMQP
 * and accepts the URL's user, password and virtual host. Never throws.
 */
export async function probeBroker(url: string, timeoutMs = 2_000): Promise<BrokerProbe> {
  try {
    const connection = await connect(url, { timeout: timeoutMs });
    await connection.close().catch(() => undefined);
    return 'accepted';
  } catch (error) {
    // RabbitMQ ends the handshake with 403 ACCESS-REFUSED for bad credentials, 530 NOT-ALLOWED for a vhost.
    return /ACCESS[-_]REFUSED|NOT[-_]ALLOWED|403|530/.test(String((error as Error).message))
      ? 'refused'
      : 'unreachable';
  }
}
