import { z } from 'zod';

/**
 * Configuration fragments for services' `env.ts` (spread into their zod object, like service-kit's
 * `commonEnv`). Without AMQP_URL events are off: nothing connects, and the outbox keeps every event until a
 * broker is configured.
 */
export const eventsEnv = {
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL; leave unset to turn events off')
    .optional()
    .describe(
      'RabbitMQ URL; unset → events off, kept in the outbox until a broker is configured (`npm start` sets it when a local broker answers).',
    ),
  EVENTS_PREFIX: z
    .string()
    .regex(/^[\w.-]*$/, 'may hold letters, digits, ".", "-" and "_" only')
    .default('supergraph.')
    .describe('Prefix of every exchange and queue name, so deployments sharing a broker never mix.'),
  OUTBOX_POLL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(500)
    .describe('How often the outbox relay looks for unpublished events.'),
  OUTBOX_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(100)
    .describe('Most events the relay publishes per look.'),
};

/** For services that consume events. */
export const consumerEnv = {
  EVENTS_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Handling attempts before a message goes to the dead-letter queue.'),
  EVENTS_RETRY_DELAY_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(600_000)
    .default(1_000)
    .describe('Backoff before the first retry of a failed message; doubles each attempt, up to a minute.'),
};

export type EventsEnv = z.infer<z.ZodObject<typeof eventsEnv>>;
export type ConsumerEnv = z.infer<z.ZodObject<typeof consumerEnv>>;
