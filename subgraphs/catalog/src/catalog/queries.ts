import { inArray } from 'drizzle-orm';
import type { CatalogDb } from '../db/client.ts';
import { catalog, type CatalogRow } from '../db/schema.ts';

/** The catalog with these ids, in one statement (the by-id DataLoader's batch). */
export function findCatalogByIds(db: CatalogDb, ids: readonly string[]): Promise<CatalogRow[]> {
  return db
    .select()
    .from(catalog)
    .where(inArray(catalog.id, [...ids]));
}
