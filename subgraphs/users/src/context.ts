import type { Identity, Logger } from '@supergraph/service-kit';
import type { UsersDb } from './db/client.ts';
import { createUserLoader, type UserLoader } from './graphql/user/loaders.ts';

/** What every resolver gets: who is calling, per-request loaders, the database and token settings. */
export interface UsersContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  db: UsersDb;
  loaders: { user: UserLoader };
  tokens: { secret: string; ttlSeconds: number };
}

export function createContext(base: Omit<UsersContext, 'loaders'>): UsersContext {
  return { ...base, loaders: { user: createUserLoader(base.db) } };
}
