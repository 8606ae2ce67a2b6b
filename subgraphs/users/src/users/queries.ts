import { createEvent, enqueueEvents } from '@supergraph/events';
import { afterTimeKey } from '@supergraph/service-kit/db';
import type { TimeKey } from '@supergraph/service-kit/graphql';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { UsersDb } from '../db/client.ts';
import { outbox, users, type UserRow } from '../db/schema.ts';

/** What a deleted account is called wherever it is still referred to. */
export const DELETED_USER_NAME = 'Deleted user';
/** Not a scrypt hash, so no password ever matches it. */
const ERASED_PASSWORD_HASH = '!erased';

/** Users oldest first (deleted accounts omitted), keyset-paginated on (created_at, id) so pages are stable while users sign up. */
export function listUsers(db: UsersDb, limit: number, after: TimeKey | null): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(isNull(users.deletedAt), afterTimeKey(users, after, 'asc')))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(limit);
}

export function findUsersByIds(db: UsersDb, ids: readonly string[]): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(inArray(users.id, [...ids]));
}

export async function findUserByEmail(db: UsersDb, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), isNull(users.deletedAt)))
    .limit(1);
  return row;
}

/** A new account and its `user.registered` event, in one transaction. */
export function registerUser(
  db: UsersDb,
  values: { email: string; name: string; passwordHash: string },
): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(users).values(values).returning();
    await enqueueEvents(tx, outbox, [
      createEvent('user.registered', row!.id, { userId: row!.id }, { occurredAt: row!.createdAt }),
    ]);
    return row!;
  });
}

/** Renames a live account and records `user.updated`; undefined when there is no such live account. */
export function renameUser(db: UsersDb, id: string, name: string): Promise<UserRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ name })
      .where(and(eq(users.id, id), isNull(users.deletedAt)))
      .returning();
    if (row) {
      await enqueueEvents(tx, outbox, [
        createEvent('user.updated', row.id, { userId: row.id, changed: ['name'] }),
      ]);
    }
    return row;
  });
}

/**
 * Deletes an account by anonymising it in place, with its `user.deleted` event, in one transaction: the email
 * (freed for a new sign-up), name and password hash are overwritten, so nothing personal remains and nobody
 * can log in, while the id stays resolvable as a tombstone for the orders that refer to it. Undefined when
 * there is no such live account.
 */
export function deleteUser(db: UsersDb, id: string): Promise<UserRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({
        // Not an email address, so no sign-up can ever take it (or block it).
        email: sql`'deleted:' || ${users.id}`,
        name: DELETED_USER_NAME,
        passwordHash: ERASED_PASSWORD_HASH,
        deletedAt: sql`now()`,
      })
      .where(and(eq(users.id, id), isNull(users.deletedAt)))
      .returning();
    if (row) {
      await enqueueEvents(tx, outbox, [
        createEvent('user.deleted', row.id, { userId: row.id }, { occurredAt: row.deletedAt ?? new Date() }),
      ]);
    }
    return row;
  });
}
