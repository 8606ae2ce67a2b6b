import { buildCatalogService } from '@supergraph/catalog/server';
import { openCatalogDatabase } from '@supergraph/catalog/db';
import { loadEnv as loadCatalogEnv } from '@supergraph/catalog/env';
import { buildOrdersService } from '@supergraph/orders/server';
import { openOrdersDatabase } from '@supergraph/orders/db';
import { loadEnv as loadOrdersEnv } from '@supergraph/orders/env';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { createQueryCounter } from '@supergraph/service-kit/db';
import { buildUsersService } from '@supergraph/users/server';
import { openUsersDatabase } from '@supergraph/users/db';
import { loadEnv as loadUsersEnv } from '@supergraph/users/env';
import type { SubscriptionServer } from '@supergraph/service-kit/subscriptions';
import type { BenchSecrets } from '../auth.ts';
import type { SubgraphName } from '../configurations.ts';
import type { DatabaseTarget } from '../databases.ts';
import { buildDataset, type DatasetOptions } from '../dataset.ts';
import { seedCatalog, seedOrders, seedUsers } from '../seed.ts';
import { countingGraphQLRequests } from './counters.ts';
import type { RunningServer } from './running.ts';

export interface SubgraphOptions {
  name: SubgraphName;
  secrets: BenchSecrets;
  database: DatabaseTarget;
  /** Seeds the dataset after migrating; null when another process already seeded this database. */
  seed: DatasetOptions | null;
  nodeEnv: 'production' | 'test';
  logLevel: string;
  /** Extra variables of the service (the subscriptions scenario sets how often orders reads its outbox). */
  env?: Record<string, string>;
}

/**
 * One of our subgraphs as its `src/index.ts` runs it (same env parsing, same server), on a free loopback port,
 * with its database migrated and seeded through its own Drizzle handle, counting fetches and SQL statements.
 */
export async function startSubgraph(options: SubgraphOptions): Promise<RunningServer> {
  const { name, secrets, database, seed } = options;
  const env = {
    ...secrets,
    NODE_ENV: options.nodeEnv,
    LOG_LEVEL: options.logLevel,
    PORT: '0',
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    SEED_DEMO_DATA: 'false',
    ...options.env,
  };
  const logger = createLogger(name, options.logLevel);
  const sql = createQueryCounter();
  const dataset = seed ? buildDataset(seed) : undefined;

  let service: {
    app: Parameters<typeof countingGraphQLRequests>[0];
    websocket?: SubscriptionServer | undefined;
    stop(): Promise<void>;
  };
  let close: () => Promise<void>;
  if (name === 'users') {
    const usersEnv = loadUsersEnv(env);
    const handle = await openUsersDatabase(usersEnv, sql.record);
    await handle.migrate();
    if (dataset) await seedUsers(handle.db, dataset);
    service = await buildUsersService({ env: usersEnv, logger, database: handle });
    close = () => handle.close();
  } else if (name === 'catalog') {
    const catalogEnv = loadCatalogEnv(env);
    const handle = await openCatalogDatabase(catalogEnv, sql.record);
    await handle.migrate();
    if (dataset) await seedCatalog(handle.db, dataset);
    service = await buildCatalogService({ env: catalogEnv, logger, database: handle });
    close = () => handle.close();
  } else {
    const ordersEnv = loadOrdersEnv(env);
    const handle = await openOrdersDatabase(ordersEnv, sql.record);
    await handle.migrate();
    if (dataset) await seedOrders(handle.db, dataset);
    service = await buildOrdersService({ env: ordersEnv, logger, database: handle });
    close = () => handle.close();
  }
  sql.reset();

  const counting = countingGraphQLRequests(service.app);
  const server = await listen(counting.handler, 0, '127.0.0.1');
  // orders serves its subscriptions over graphql-ws on the same port (the subscriptions scenario).
  if (service.websocket) server.server.on('upgrade', service.websocket.upgrade);
  return {
    url: `${server.url}/graphql`,
    counters: () => ({ graphqlRequests: counting.count(), sql: { [name]: sql.count } }),
    resetCounters: () => {
      counting.reset();
      sql.reset();
    },
    async stop() {
      await service.websocket?.close();
      await server.close(1_000);
      await service.stop();
      await close();
    },
  };
}
