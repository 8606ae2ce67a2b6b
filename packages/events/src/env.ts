import { z } from 'zod';

/**
 * Configuration fragments for services' `env.ts` (spread into their zod object, like service-kit's
 * `commonEnv`). Without AMQP_URL events are off: nothing connects, and the outbox keeps every event until a
 * broker is configured.
 */
export const eventsEnv = {
  /** amqp(s):// URL of RabbitMQ; unset → events off (the outbox still records them). */
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL; leave unset to turn events off')
    .optional(),
  /** Prefix of every exchange and queue name. */
  EVENTS_PREFIX: z
    .string()
    .regex(/^[\w.-]*$/, 'may hold letters, digits, ".", "-" and "_" only')
    .default('supergraph.'),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
};

/** For services that consume events. */
export const consumerEnv = {
  /** Handling attempts before a message goes to the dead-letter queue. */
  EVENTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** Backoff before the first retry; doubles each attempt, up to a minute. */
  EVENTS_RETRY_DELAY_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
};

export type EventsEnv = z.infer<z.ZodObject<typeof eventsEnv>>;
export type ConsumerEnv = z.infer<z.ZodObject<typeof consumerEnv>>;
