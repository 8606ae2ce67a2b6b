import { join } from 'node:path';
import { eventsEnv } from '@supergraph/events';
import { parseEnv, secret, subgraphEnv } from '@supergraph/service-kit/env';
import { z } from 'zod';

export const envSchema = z.object({
  /** PORT, DATABASE_URL/DATA_DIR and pool, INTERNAL_SECRET, CACHE_MAX_AGE_SECONDS, SEED_DEMO_DATA, logging. */
  ...subgraphEnv('users', { port: 4001, serviceRoot: join(import.meta.dirname, '..') }),
  JWT_SECRET: secret.describe(
    'Signs the access tokens this service issues; the gateway verifies them with the same secret.',
  ),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400)
    .default(900)
    .describe('Lifetime of the access tokens this service issues (seconds).'),
  /** AMQP_URL (unset → events off, kept in the outbox), EVENTS_PREFIX and the outbox relay's pace. */
  ...eventsEnv,
});

export type UsersEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: Record<string, string | undefined>): UsersEnv =>
  parseEnv('users', envSchema, source);

/** Every variable this service reads: deployment files are checked against it in tests. */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);
