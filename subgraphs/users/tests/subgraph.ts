import { startSubgraph } from '@supergraph/testing/subgraph';
import { openUsersDatabase } from '../src/db/client.ts';
import { seedDemoUsers } from '../src/db/seed.ts';
import { loadEnv } from '../src/env.ts';
import { buildUsersService } from '../src/server.ts';

/** The users subgraph on a free port and a database of its own, seeded with the demo users. */
export const startUsers = (label: string, env?: Record<string, string>) =>
  startSubgraph(
    {
      name: 'users',
      loadEnv,
      openDatabase: openUsersDatabase,
      buildService: buildUsersService,
      seed: (database) => seedDemoUsers(database.db),
    },
    label,
    env,
  );
export type UsersHarness = Awaited<ReturnType<typeof startUsers>>;

/** A stored password hash that is not a valid scrypt hash: for rows inserted directly, which never log in. */
export const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$not-a-real-hash';
