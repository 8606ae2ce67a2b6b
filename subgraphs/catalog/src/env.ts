import { join } from 'node:path';
import { eventsEnv } from '@supergraph/events';
import { parseEnv, subgraphEnv } from '@supergraph/service-kit/env';
import { z } from 'zod';

/** Every variable this service reads; each description is its line in docs/configuration.md. */
export const envSchema = z.object({
  /** PORT, DATABASE_URL/DATA_DIR and pool, INTERNAL_SECRET, CACHE_MAX_AGE_SECONDS, SEED_DEMO_DATA, logging. */
  ...subgraphEnv('catalog', { port: 4003, serviceRoot: join(import.meta.dirname, '..') }),
  /** AMQP_URL (unset → events off, kept in the outbox), EVENTS_PREFIX and the outbox relay's pace. */
  ...eventsEnv,
});

export type CatalogEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: Record<string, string | undefined>): CatalogEnv =>
  parseEnv('catalog', envSchema, source);

/** Every variable this service reads: deployment files are checked against it in tests. */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);
