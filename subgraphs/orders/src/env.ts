import { join } from 'node:path';
import { consumerEnv, eventsEnv } from '@supergraph/events';
import { parseEnv, subgraphEnv } from '@supergraph/service-kit/env';
import { z } from 'zod';

export const envSchema = z.object({
  /** PORT, DATABASE_URL/DATA_DIR and pool, INTERNAL_SECRET, CACHE_MAX_AGE_SECONDS, SEED_DEMO_DATA, logging. */
  ...subgraphEnv('orders', { port: 4002, serviceRoot: join(import.meta.dirname, '..') }),
  /** AMQP_URL (unset → events off, kept in the outbox), EVENTS_PREFIX and the outbox relay's pace. */
  ...eventsEnv,
  /** Retries of a failing event before it goes to the dead-letter queue. */
  ...consumerEnv,
});

export type OrdersEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: Record<string, string | undefined>): OrdersEnv =>
  parseEnv('orders', envSchema, source);

/** Every variable this service reads: deployment files are checked against it in tests. */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);
