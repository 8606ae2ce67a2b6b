import { isUuid, normalizeId } from '@supergraph/service-kit/graphql';
import { instrumentedBatch, type BatchObserver } from '@supergraph/service-kit/metrics';
import DataLoader from 'dataloader';
import { inArray } from 'drizzle-orm';
import type { UsersDb } from '../../db/client.ts';
import { users, type UserRow } from '../../db/schema.ts';

/** One SQL statement for every user id asked for during a request, however many entities reference them. */
export function createUserLoader(db: UsersDb, batches?: BatchObserver) {
  const load = async (ids: readonly string[]) => {
    const valid = ids.filter(isUuid).map(normalizeId);
    const rows = valid.length ? await db.select().from(users).where(inArray(users.id, valid)) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(normalizeId(id)) ?? null);
  };
  return new DataLoader<string, UserRow | null>(instrumentedBatch('user', load, batches));
}

export type UserLoader = ReturnType<typeof createUserLoader>;
