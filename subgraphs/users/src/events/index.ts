import { createServiceEvents, type ServiceEvents } from '@supergraph/events';
import type { Logger } from '@supergraph/service-kit/logger';
import type { UsersDatabase } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import type { UsersEnv } from '../env.ts';

/**
 * The users service's side of the events: it publishes user.registered, user.updated and user.deleted
 * (written to the outbox by signUp, updateMe and deleteMe) and consumes nothing.
 */
export function createUsersEvents({
  env,
  logger,
  database,
}: {
  env: UsersEnv;
  logger: Logger;
  database: UsersDatabase;
}): ServiceEvents {
  return createServiceEvents({ service: 'users', env, logger, database, outbox });
}
