import { createServiceEvents, type ServiceEvents } from '@supergraph/events';
import type { Logger } from '@supergraph/service-kit/logger';
import type { CatalogDatabase } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import type { CatalogEnv } from '../env.ts';

/**
 * The catalog service's side of the events: its outbox relay (it publishes nothing yet; add event types to
 * packages/events' catalogue) and no consumer (add `consumer: { inbox, handlers }` to react to events).
 */
export function createCatalogEvents(deps: {
  env: CatalogEnv;
  logger: Logger;
  database: CatalogDatabase;
}): ServiceEvents {
  return createServiceEvents({ service: 'catalog', ...deps, outbox });
}
