import type { SubgraphDefinition } from '@supergraph/service-kit/subgraph';
import { openUsersDatabase, type UsersDatabase } from './db/client.ts';
import { seedDemoUsers } from './db/seed.ts';
import { loadEnv, type UsersEnv } from './env.ts';
import { createUsersEvents } from './events/index.ts';
import { buildUsersService } from './server.ts';

/** The users subgraph's parts: src/index.ts serves it, the tests start it (@supergraph/subgraph-testing). */
export const usersSubgraph: SubgraphDefinition<UsersEnv, UsersDatabase> = {
  name: 'users',
  loadEnv,
  openDatabase: openUsersDatabase,
  buildService: buildUsersService,
  createEvents: createUsersEvents,
  seed: ({ db }) => seedDemoUsers(db),
};
