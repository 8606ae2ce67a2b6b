import type { TimeKey } from '@supergraph/service-kit';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { UsersDb } from '../../db/client.ts';
import { users, type UserRow } from '../../db/schema.ts';

/** Users oldest first, keyset-paginated on (created_at, id) so pages are stable while users sign up. */
export function listUsers(db: UsersDb, limit: number, after: TimeKey | null): Promise<UserRow[]> {
  const afterCursor = after
    ? or(gt(users.createdAt, after.createdAt), and(eq(users.createdAt, after.createdAt), gt(users.id, after.id)))
    : undefined;
  return db.select().from(users).where(afterCursor).orderBy(asc(users.createdAt), asc(users.id)).limit(limit);
}

export async function findUserByEmail(db: UsersDb, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
    .limit(1);
  return row;
}

export async function insertUser(
  db: UsersDb,
  values: { email: string; name: string; passwordHash: string },
): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function updateUserName(db: UsersDb, id: string, name: string): Promise<UserRow | undefined> {
  const [row] = await db.update(users).set({ name }).where(eq(users.id, id)).returning();
  return row;
}
