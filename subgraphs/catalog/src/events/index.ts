import { createServiceEvents, type ServiceEvents } from '@supergraph/events';
import type { Logger } from '@supergraph/service-kit/logger';
import type { CatalogDatabase } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import type { CatalogEnv } from '../env.ts';

/**
 * The catalog service's side of the events: its outbox relay publishes product.created, product.updated and
 * product.archived (written by the admin mutations); it consumes nothing.
 */
export function createCatalogEvents(deps: {
  env: CatalogEnv;
  logger: Logger;
  database: CatalogDatabase;
}): ServiceEvents {
  return createServiceEvents({ service: 'catalog', ...deps, outbox });
}
