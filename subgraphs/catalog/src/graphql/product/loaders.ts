import { createByIdLoader } from '@supergraph/service-kit/loaders';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { CatalogDb } from '../../db/client.ts';
import { findProductsByIds } from '../../catalog/queries.ts';

/** Products by id: one statement per request for every id asked for, however many references there are. */
export const createProductLoader = (db: CatalogDb, batches?: BatchObserver) =>
  createByIdLoader('product', (ids) => findProductsByIds(db, ids), batches);

export type ProductLoader = ReturnType<typeof createProductLoader>;
