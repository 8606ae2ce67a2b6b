import { tcpAnswers, withoutPassword } from '@supergraph/service-kit/net';

/** Where `npm start` looks for a broker and a Redis when AMQP_URL / REDIS_URL are not set. */
export const LOCAL_BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface LocalServices {
  /** AMQP_URL for the subgraphs, or undefined: events wait in the outbox. */
  amqpUrl: string | undefined;
  /** REDIS_URL for the gateway, or undefined: rate-limit counters per process. */
  redisUrl: string | undefined;
  /** One banner line each, saying what is used and, when something is missing, the one command that starts it. */
  banner: string[];
}

/**
 * What the stack uses beyond its embedded databases: the URLs given in the environment as they are, else the
 * local broker and Redis when they answer. Every feature is on whenever what it needs is there.
 */
export async function detectLocalServices(
  env: Record<string, string | undefined>,
  probe: (url: string, defaultPort: number) => Promise<boolean> = tcpAnswers,
): Promise<LocalServices> {
  const givenOrLocal = async (given: string | undefined, local: string, defaultPort: number) =>
    given || ((await probe(local, defaultPort)) ? local : undefined);
  const [amqpUrl, redisUrl] = await Promise.all([
    givenOrLocal(env['AMQP_URL'], LOCAL_BROKER_URL, 5672),
    givenOrLocal(env['REDIS_URL'], LOCAL_REDIS_URL, 6379),
  ]);
  const hostOf = (url: string) => withoutPassword(url).replace(/\/$/, '');
  return {
    amqpUrl,
    redisUrl,
    banner: [
      amqpUrl
        ? `events: RabbitMQ at ${hostOf(amqpUrl)}`
        : 'events: no broker at 127.0.0.1:5672, so cross-service events (deleteMe cancelling orders) wait in the outbox; start one with `docker compose up -d rabbitmq`',
      redisUrl
        ? `rate limits: counted in Redis at ${hostOf(redisUrl)}`
        : 'rate limits: no Redis at 127.0.0.1:6379, so each process counts on its own; start one with `docker compose up -d redis`',
    ],
  };
}
