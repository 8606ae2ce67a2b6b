import { createByIdLoader } from '@supergraph/service-kit/loaders';
import type { BatchObserver } from '@supergraph/service-kit/metrics';
import type { UsersDb } from '../../db/client.ts';
import { findUsersByIds } from '../../users/queries.ts';

/** Users by id (deleted accounts included: they are tombstones that references still resolve to). */
export const createUserLoader = (db: UsersDb, batches?: BatchObserver) =>
  createByIdLoader('user', (ids) => findUsersByIds(db, ids), batches);

export type UserLoader = ReturnType<typeof createUserLoader>;
