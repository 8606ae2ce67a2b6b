import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { CatalogDb } from './db/client.ts';
import { createCatalogLoader, type CatalogLoader } from './graphql/catalog/loaders.ts';

/** What every resolver gets: who is calling, per-request loaders and the database. */
export interface CatalogContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  db: CatalogDb;
  loaders: { catalog: CatalogLoader };
}

/** `batches` (the service's metrics) is told the size of every DataLoader batch. */
export function createContext(
  base: Omit<CatalogContext, 'loaders'>,
  batches?: BatchObserver,
): CatalogContext {
  return { ...base, loaders: { catalog: createCatalogLoader(base.db, batches) } };
}
