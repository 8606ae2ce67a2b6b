import { join } from 'node:path';
import { poolOptionsOf } from '@supergraph/service-kit/env';
import { createDatabase, type Database, type DatabaseHandle } from '@supergraph/service-kit/db';
import type { OrdersEnv } from '../env.ts';
import * as schema from './schema.ts';

export type OrdersSchema = typeof schema;
export type OrdersDb = Database<OrdersSchema>;
export type OrdersDatabase = DatabaseHandle<OrdersSchema>;

export const MIGRATIONS_FOLDER = join(import.meta.dirname, 'migrations');

/** Opens the orders database (PostgreSQL or embedded PGlite, per DATABASE_URL). Does not migrate. */
export function openOrdersDatabase(env: OrdersEnv, onQuery?: (sql: string) => void): Promise<OrdersDatabase> {
  return createDatabase({
    name: 'orders',
    url: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    pool: poolOptionsOf(env),
    schema,
    migrationsFolder: MIGRATIONS_FOLDER,
    ...(onQuery ? { onQuery } : {}),
  });
}
