import { tracing } from './tracing.ts'; // first: see tracing.ts
import { createLogger, listen, onShutdownSignal } from '@supergraph/service-kit';
import { waitForDatabase } from '@supergraph/service-kit/db';
import { openOrdersDatabase } from './db/client.ts';
import { seedDemoOrders } from './db/seed.ts';
import { loadEnv } from './env.ts';
import { createOrdersEvents } from './events/index.ts';
import { buildOrdersService } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('orders', env.LOG_LEVEL);

const database = await openOrdersDatabase(env);
const service = await buildOrdersService({ env, logger, database });
// Listen first: while the database is unreachable the service answers /health/ready with 503 and keeps
// retrying, so an orchestrator sees "not ready" rather than a crash loop.
const server = await listen(service.app, env.PORT, env.HOST);
logger.info({ url: `${server.url}/graphql`, database: database.kind }, 'orders subgraph listening');
const stopping = new AbortController();
const events = createOrdersEvents({ env, logger, database });

onShutdownSignal(logger, async () => {
  stopping.abort();
  await server.close();
  await service.stop();
  await events.stop();
  await database.close();
  await tracing.shutdown();
});

await waitForDatabase(database, logger, { signal: stopping.signal });
if (env.SEED_DEMO_DATA && env.NODE_ENV !== 'production') {
  const inserted = await seedDemoOrders(database.db);
  if (inserted > 0) logger.info({ inserted }, 'seeded demo orders');
}
// The consumer applies user events and the relay publishes order events; neither needs a broker to start.
await events.start();
logger.info('orders subgraph ready');
