import { join } from 'node:path';
import { poolOptionsOf } from '@supergraph/service-kit/env';
import { createDatabase, type Database, type DatabaseHandle } from '@supergraph/service-kit/db';
import type { UsersEnv } from '../env.ts';
import * as schema from './schema.ts';

export type UsersSchema = typeof schema;
export type UsersDb = Database<UsersSchema>;
export type UsersDatabase = DatabaseHandle<UsersSchema>;

export const MIGRATIONS_FOLDER = join(import.meta.dirname, 'migrations');

/** Opens the users database (PostgreSQL or embedded PGlite, per DATABASE_URL). Does not migrate. */
export function openUsersDatabase(env: UsersEnv, onQuery?: (sql: string) => void): Promise<UsersDatabase> {
  return createDatabase({
    name: 'users',
    url: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    pool: poolOptionsOf(env),
    schema,
    migrationsFolder: MIGRATIONS_FOLDER,
    ...(onQuery ? { onQuery } : {}),
  });
}
