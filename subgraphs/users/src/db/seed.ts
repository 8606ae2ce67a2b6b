import { DEMO_PASSWORD, DEMO_USERS } from '@supergraph/demo-data';
import { hashPassword } from '../users/passwords.ts';
import type { UsersDb } from './client.ts';
import { users } from './schema.ts';

/** Inserts the demo users once; running it again changes nothing. */
export async function seedDemoUsers(db: UsersDb): Promise<number> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const inserted = await db
    .insert(users)
    .values(
      DEMO_USERS.map((user, index) => ({
        ...user,
        passwordHash,
        // Distinct, ordered creation times make the demo's `users` page deterministic.
        createdAt: new Date(Date.UTC(2026, 0, 1, 9, index)),
      })),
    )
    .onConflictDoNothing()
    .returning({ id: users.id });
  return inserted.length;
}
