import { tracing } from './tracing.ts'; // first: see tracing.ts
import { createLogger, listen, onShutdownSignal } from '@supergraph/service-kit';
import { waitForDatabase } from '@supergraph/service-kit/db';
import { openUsersDatabase } from './db/client.ts';
import { seedDemoUsers } from './db/seed.ts';
import { loadEnv } from './env.ts';
import { createUsersEvents } from './events.ts';
import { buildUsersService } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('users', env.LOG_LEVEL);

const database = await openUsersDatabase(env);
const service = await buildUsersService({ env, logger, database });
// Listen first: while the database is unreachable the service answers /health/ready with 503 and keeps
// retrying, so an orchestrator sees "not ready" rather than a crash loop.
const server = await listen(service.app, env.PORT, env.HOST);
logger.info({ url: `${server.url}/graphql`, database: database.kind }, 'users subgraph listening');
const stopping = new AbortController();
const events = createUsersEvents({ env, logger, database });

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
  const inserted = await seedDemoUsers(database.db);
  if (inserted > 0) logger.info({ inserted }, 'seeded demo users');
}
// The outbox relay publishes user events; it needs the migrated outbox, and never a broker to start.
await events.start();
logger.info('users subgraph ready');
