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
  /** Live order updates (subscriptions over graphql-ws): see docs/subgraph-subscriptions.md. */
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1_000)
    .describe(
      'Subscriptions one gateway connection may hold at once (a defensive cap: the gateway enforces the per-client limits); one more is refused with TOO_MANY_SUBSCRIPTIONS.',
    ),
  SUBSCRIPTIONS_OUTBOX_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(10_000)
    .default(100)
    .describe(
      'Without a broker (AMQP_URL unset), how often live updates read new events from the outbox; with one they arrive from the broker.',
    ),
});

export type OrdersEnv = z.infer<typeof envSchema>;

export const loadEnv = (source: Record<string, string | undefined>): OrdersEnv =>
  parseEnv('orders', envSchema, source);

/** Every variable this service reads: deployment files are checked against it in tests. */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);
