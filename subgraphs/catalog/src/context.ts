import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { CatalogDb } from './db/client.ts';
import { createProductLoader, type ProductLoader } from './graphql/product/loaders.ts';

/** What every resolver gets: who is calling, per-request loaders and the database. */
export interface CatalogContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  db: CatalogDb;
  /** The client's Idempotency-Key, forwarded by the gateway (see runIdempotent). */
  idempotencyKey: string | readonly string[] | undefined;
  loaders: { product: ProductLoader };
}

/** `batches` (the service's metrics) is told the size of every DataLoader batch. */
export function createContext(
  base: Omit<CatalogContext, 'loaders'>,
  batches?: BatchObserver,
): CatalogContext {
  return { ...base, loaders: { product: createProductLoader(base.db, batches) } };
}
