import type { Identity } from '@supergraph/service-kit/auth';
import type { Logger } from '@supergraph/service-kit/logger';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { UsersDb } from './db/client.ts';
import { createUserLoader, type UserLoader } from './graphql/user/loaders.ts';

/** What every resolver gets: who is calling, per-request loaders, the database and token settings. */
export interface UsersContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
  db: UsersDb;
  /** The client's Idempotency-Key, forwarded by the gateway (see runIdempotent). */
  idempotencyKey: string | readonly string[] | undefined;
  loaders: { user: UserLoader };
  tokens: { secret: string; ttlSeconds: number };
  /**
   * Users who proved who they are within this request (signUp/logIn): the payload of those mutations may
   * show them their own private fields although the request itself arrived anonymous.
   */
  authenticatedInRequest: Set<string>;
}

/** `batches` (the service's metrics) is told the size of every DataLoader batch. */
export function createContext(
  base: Omit<UsersContext, 'loaders' | 'authenticatedInRequest'>,
  batches?: BatchObserver,
): UsersContext {
  return {
    ...base,
    loaders: { user: createUserLoader(base.db, batches) },
    authenticatedInRequest: new Set(),
  };
}
