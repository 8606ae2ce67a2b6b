import type { SubgraphDefinition } from '@supergraph/service-kit/subgraph';
import { openCatalogDatabase, type CatalogDatabase } from './db/client.ts';
import { seedDemoCatalog } from './db/seed.ts';
import { loadEnv, type CatalogEnv } from './env.ts';
import { createCatalogEvents } from './events/index.ts';
import { buildCatalogService } from './server.ts';

/** The catalog subgraph's parts: src/index.ts serves it, the tests start it (@supergraph/subgraph-testing). */
export const catalogSubgraph: SubgraphDefinition<CatalogEnv, CatalogDatabase> = {
  name: 'catalog',
  loadEnv,
  openDatabase: openCatalogDatabase,
  buildService: buildCatalogService,
  createEvents: createCatalogEvents,
  seed: ({ db }) => seedDemoCatalog(db),
};
