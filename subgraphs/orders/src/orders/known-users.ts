import { eq, sql } from 'drizzle-orm';
import type { OrdersDb } from '../db/client.ts';
import { knownUsers } from '../db/schema.ts';

export type KnownUserStatus = 'ACTIVE' | 'DELETED';

/**
 * Serialises, per user, everything that must see a deletion: placing an order and applying user.deleted
 * take this transaction-scoped lock first, so whichever commits second sees the other's effect (no order
 * can slip in between the deletion's cancelling and its commit).
 */
export async function lockUser(tx: OrdersDb, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`orders:user:${userId}`}))`);
}

/** What the events said about this user; null when they said nothing (users from before events, demo users). */
export async function knownUserStatusOf(tx: OrdersDb, userId: string): Promise<KnownUserStatus | null> {
  const [row] = await tx
    .select({ status: knownUsers.status })
    .from(knownUsers)
    .where(eq(knownUsers.userId, userId));
  return row?.status ?? null;
}

/** user.registered: the user exists. Never undoes a deletion that arrived first (deletion is terminal). */
export async function recordUserRegistered(tx: OrdersDb, userId: string, since: Date): Promise<void> {
  await tx.insert(knownUsers).values({ userId, status: 'ACTIVE', since }).onConflictDoNothing();
}

/** user.deleted: terminal, whatever was known before and whatever arrives after. */
export async function recordUserDeleted(tx: OrdersDb, userId: string, since: Date): Promise<void> {
  await tx
    .insert(knownUsers)
    .values({ userId, status: 'DELETED', since })
    .onConflictDoUpdate({ target: knownUsers.userId, set: { status: 'DELETED', since } });
}
