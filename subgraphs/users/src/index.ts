import { tracing } from './tracing.ts'; // first: see tracing.ts
import { createLogger } from '@supergraph/service-kit/logger';
import { runSubgraph } from '@supergraph/service-kit/subgraph';
import { openUsersDatabase } from './db/client.ts';
import { seedDemoUsers } from './db/seed.ts';
import { loadEnv } from './env.ts';
import { createUsersEvents } from './events/index.ts';
import { buildUsersService } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('users', env.LOG_LEVEL);
const database = await openUsersDatabase(env);

await runSubgraph({
  name: 'users',
  env,
  logger,
  database,
  service: await buildUsersService({ env, logger, database }),
  events: createUsersEvents({ env, logger, database }),
  seed: () => seedDemoUsers(database.db),
  tracing,
});
