import { probeBroker, type BrokerProbe } from '@supergraph/events/probe';
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

export interface Probes {
  /** An AMQP handshake: a TCP answer alone would not tell a broker that refuses the credentials. */
  broker(url: string): Promise<BrokerProbe>;
  redis(url: string, defaultPort: number): Promise<boolean>;
}

const MACHINE_PROBES: Probes = { broker: (url) => probeBroker(url), redis: tcpAnswers };

/**
 * What the stack uses beyond its embedded databases: the URLs given in the environment as they are, else the
 * local broker and Redis when they answer. Every feature is on whenever what it needs is there.
 */
export async function detectLocalServices(
  env: Record<string, string | undefined>,
  probes: Probes = MACHINE_PROBES,
): Promise<LocalServices> {
  const givenBroker = env['AMQP_URL'];
  const [broker, redisUrl] = await Promise.all([
    probes.broker(givenBroker || LOCAL_BROKER_URL),
    env['REDIS_URL'] ||
      probes.redis(LOCAL_REDIS_URL, 6379).then((answers) => (answers ? LOCAL_REDIS_URL : undefined)),
  ]);
  // A given URL is always used: the services wait for that broker (events stay in the outbox meanwhile).
  const amqpUrl = givenBroker || (broker === 'accepted' ? LOCAL_BROKER_URL : undefined);
  return {
    amqpUrl,
    redisUrl,
    banner: [
      brokerLine(givenBroker ? hostOf(givenBroker) : undefined, broker),
      redisUrl
        ? `rate limits: counted in Redis at ${hostOf(redisUrl)}`
        : 'rate limits: no Redis at 127.0.0.1:6379, so each process counts on its own; start one with `docker compose up -d redis`',
    ],
  };
}

function brokerLine(given: string | undefined, probe: BrokerProbe): string {
  const where = given ?? hostOf(LOCAL_BROKER_URL);
  if (probe === 'accepted') return `events: RabbitMQ at ${where}`;
  if (given) {
    return probe === 'refused'
      ? `events: the broker at ${where} refused AMQP_URL's user or password, so events wait in the outbox; fix AMQP_URL`
      : `events: nothing answers at ${where} yet, so events wait in the outbox until the broker does`;
  }
  return probe === 'refused'
    ? `events: a broker at ${where} refused guest/guest, so events wait in the outbox; set AMQP_URL to its user and password`
    : 'events: no broker at 127.0.0.1:5672, so cross-service events (deleteMe cancelling orders) wait in the outbox; start one with `docker compose up -d rabbitmq`';
}

/** A URL as a banner shows it: no password, no trailing slash. */
const hostOf = (url: string) => withoutPassword(url).replace(/\/$/, '');
