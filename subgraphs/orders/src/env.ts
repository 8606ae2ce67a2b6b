import { join } from 'node:path';
import { commonEnv, databaseUrl, parseEnv, port, secret } from '@supergraph/service-kit';
import { z } from 'zod';

const SERVICE_ROOT = join(import.meta.dirname, '..');

const schema = z.object({
  ...commonEnv,
  PORT: port(4002),
  /** postgres:// URL; unset → embedded PGlite in DATA_DIR. */
  DATABASE_URL: databaseUrl,
  DATA_DIR: z.string().min(1).default(join(SERVICE_ROOT, '.data/orders')),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Verifies the gateway's signature on every request. */
  INTERNAL_SECRET: secret,
  /** Demo orders for `npm start`; never seeded when NODE_ENV=production. */
  SEED_DEMO_DATA: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
});

export type OrdersEnv = z.infer<typeof schema>;

export const loadEnv = (source: Record<string, string | undefined>): OrdersEnv => parseEnv('orders', schema, source);
