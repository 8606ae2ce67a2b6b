import { createLogger, listen, onShutdownSignal } from '@supergraph/service-kit';
import { openOrdersDatabase } from './db/client.ts';
import { seedDemoOrders } from './db/seed.ts';
import { loadEnv } from './env.ts';
import { buildOrdersService } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('orders', env.LOG_LEVEL);

const database = await openOrdersDatabase(env);
await database.migrate();
if (env.SEED_DEMO_DATA && env.NODE_ENV !== 'production') {
  const inserted = await seedDemoOrders(database.db);
  if (inserted > 0) logger.info({ inserted }, 'seeded demo orders');
}
const service = await buildOrdersService({ env, logger, database });
const server = await listen(service.app, env.PORT, env.HOST);
logger.info({ url: `${server.url}/graphql`, database: database.kind }, 'orders subgraph ready');

onShutdownSignal(logger, async () => {
  await server.close();
  await service.stop();
  await database.close();
});
