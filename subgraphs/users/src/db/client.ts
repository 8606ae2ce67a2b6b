import { join } from 'node:path';
import { openServiceDatabase, type Database, type DatabaseHandle } from '@supergraph/service-kit/db';
import type { UsersEnv } from '../env.ts';
import * as schema from './schema.ts';

export type UsersSchema = typeof schema;
export type UsersDb = Database<UsersSchema>;
export type UsersDatabase = DatabaseHandle<UsersSchema>;

/** Opens the users database (PostgreSQL or embedded PGlite, per DATABASE_URL). Does not migrate. */
export const openUsersDatabase = (env: UsersEnv, onQuery?: (sql: string) => void): Promise<UsersDatabase> =>
  openServiceDatabase({
    name: 'users',
    env,
    schema,
    migrationsFolder: join(import.meta.dirname, 'migrations'),
    onQuery,
  });
