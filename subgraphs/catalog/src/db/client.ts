import { join } from 'node:path';
import { openServiceDatabase, type Database, type DatabaseHandle } from '@supergraph/service-kit/db';
import type { CatalogEnv } from '../env.ts';
import * as schema from './schema.ts';

export type CatalogSchema = typeof schema;
export type CatalogDb = Database<CatalogSchema>;
export type CatalogDatabase = DatabaseHandle<CatalogSchema>;

/** Opens the catalog database (PostgreSQL or embedded PGlite, per DATABASE_URL). Does not migrate. */
export const openCatalogDatabase = (
  env: CatalogEnv,
  onQuery?: (sql: string) => void,
): Promise<CatalogDatabase> =>
  openServiceDatabase({
    name: 'catalog',
    env,
    schema,
    migrationsFolder: join(import.meta.dirname, 'migrations'),
    onQuery,
  });
