import { createByIdLoader } from '@supergraph/service-kit/loaders';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { CatalogDb } from '../../db/client.ts';
import { findCatalogByIds } from '../../catalog/queries.ts';

/** Catalogs by id: one statement per request for every id asked for, however many references there are. */
export const createCatalogLoader = (db: CatalogDb, batches?: BatchObserver) =>
  createByIdLoader('catalog', (ids) => findCatalogByIds(db, ids), batches);

export type CatalogLoader = ReturnType<typeof createCatalogLoader>;
