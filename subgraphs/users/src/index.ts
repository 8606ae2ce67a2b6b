import { createLogger, listen, onShutdownSignal } from '@supergraph/service-kit';
import { openUsersDatabase } from './db/client.ts';
import { seedDemoUsers } from './db/seed.ts';
import { loadEnv } from './env.ts';
import { buildUsersService } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('users', env.LOG_LEVEL);

const database = await openUsersDatabase(env);
await database.migrate();
if (env.SEED_DEMO_DATA && env.NODE_ENV !== 'production') {
  const inserted = await seedDemoUsers(database.db);
  if (inserted > 0) logger.info({ inserted }, 'seeded demo users');
}
const service = await buildUsersService({ env, logger, database });
const server = await listen(service.app, env.PORT, env.HOST);
logger.info({ url: `${server.url}/graphql`, database: database.kind }, 'users subgraph ready');

onShutdownSignal(logger, async () => {
  await server.close();
  await service.stop();
  await database.close();
});
