import { tracing } from './tracing.ts'; // first: see tracing.ts
import { createLogger } from '@supergraph/service-kit/logger';
import { runSubgraph } from '@supergraph/service-kit/subgraph';
import { openOrdersDatabase } from './db/client.ts';
import { seedDemoOrders } from './db/seed.ts';
import { loadEnv } from './env.ts';
import { createOrdersEvents } from './events/index.ts';
import { buildOrdersService } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('orders', env.LOG_LEVEL);
const database = await openOrdersDatabase(env);

await runSubgraph({
  name: 'orders',
  env,
  logger,
  database,
  service: await buildOrdersService({ env, logger, database }),
  events: createOrdersEvents({ env, logger, database }),
  seed: () => seedDemoOrders(database.db),
  tracing,
});
