import { poolOptionsOf, type DatabaseEnv } from '../env.ts';
import { createDatabase, type DatabaseHandle } from './create-database.ts';

/** The part of a service's env that says where its database is. */
export type ServiceDatabaseEnv = DatabaseEnv & { DATA_DIR: string };

/**
 * Opens a service's own database from its env: PostgreSQL when DATABASE_URL is set, else embedded PGlite in
 * DATA_DIR. Does not migrate. `onQuery` sees every statement (tests count them).
 */
export function openServiceDatabase<TSchema extends Record<string, unknown>>(options: {
  name: string;
  env: ServiceDatabaseEnv;
  schema: TSchema;
  migrationsFolder: string;
  onQuery?: ((sql: string) => void) | undefined;
}): Promise<DatabaseHandle<TSchema>> {
  const { name, env, schema, migrationsFolder, onQuery } = options;
  return createDatabase({
    name,
    url: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    pool: poolOptionsOf(env),
    schema,
    migrationsFolder,
    ...(onQuery ? { onQuery } : {}),
  });
}
