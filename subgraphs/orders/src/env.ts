import { join } from 'node:path';
import { consumerEnv, eventsEnv } from '@supergraph/events';
import { commonEnv, databaseEnv, parseEnv, port, secret } from '@supergraph/service-kit/env';
import { z } from 'zod';

const SERVICE_ROOT = join(import.meta.dirname, '..');

const schema = z.object({
  ...commonEnv,
  PORT: port(4002),
  /** DATABASE_URL (postgres:// URL; unset → embedded PGlite in DATA_DIR) and pool limits. */
  ...databaseEnv,
  DATA_DIR: z.string().min(1).default(join(SERVICE_ROOT, '.data/orders')),
  /** Verifies the gateway's signature on every request. */
  INTERNAL_SECRET: secret,
  /** How long the gateway may cache this service's answers (seconds; 0 = never). Mutations invalidate. */
  CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  /** Demo orders for `npm start`; never seeded when NODE_ENV=production. */
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** AMQP_URL (unset → events off, kept in the outbox), EVENTS_PREFIX and the outbox relay's pace. */
  ...eventsEnv,
  /** Retries of a failing event before it goes to the dead-letter queue. */
  ...consumerEnv,
});

export type OrdersEnv = z.infer<typeof schema>;

export const loadEnv = (source: Record<string, string | undefined>): OrdersEnv =>
  parseEnv('orders', schema, source);

/** Every variable this service reads: deployment files are checked against it in tests. */
export const ENV_KEYS: readonly string[] = Object.keys(schema.shape);
