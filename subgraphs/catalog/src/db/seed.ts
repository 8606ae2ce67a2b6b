import type { CatalogDb } from './client.ts';
import { catalog } from './schema.ts';

/** Demo rows for `npm start` and the tests, with fixed ids so that tests can name them. */
export const DEMO_CATALOG = [
  {
    id: 'a0000000-0000-4000-8000-000000000001',
    name: 'First catalog',
    createdAt: new Date(Date.UTC(2026, 2, 1, 9)),
  },
  {
    id: 'a0000000-0000-4000-8000-000000000002',
    name: 'Second catalog',
    createdAt: new Date(Date.UTC(2026, 2, 2, 9)),
  },
] as const;

/** Inserts the demo rows once; running it again changes nothing. */
export async function seedDemoCatalog(db: CatalogDb): Promise<number> {
  const inserted = await db
    .insert(catalog)
    .values([...DEMO_CATALOG])
    .onConflictDoNothing()
    .returning({ id: catalog.id });
  return inserted.length;
}
