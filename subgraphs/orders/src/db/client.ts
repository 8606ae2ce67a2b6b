import { join } from 'node:path';
import { openServiceDatabase, type Database, type DatabaseHandle } from '@supergraph/service-kit/db';
import type { OrdersEnv } from '../env.ts';
import * as schema from './schema.ts';

export type OrdersSchema = typeof schema;
export type OrdersDb = Database<OrdersSchema>;
export type OrdersDatabase = DatabaseHandle<OrdersSchema>;

/** Opens the orders database (PostgreSQL or embedded PGlite, per DATABASE_URL). Does not migrate. */
export const openOrdersDatabase = (
  env: OrdersEnv,
  onQuery?: (sql: string) => void,
): Promise<OrdersDatabase> =>
  openServiceDatabase({
    name: 'orders',
    env,
    schema,
    migrationsFolder: join(import.meta.dirname, 'migrations'),
    onQuery,
  });
