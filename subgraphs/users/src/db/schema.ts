import { outboxTable } from '@supergraph/events';
import { idempotencyTable } from '@supergraph/service-kit/db';
import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const role = pgEnum('role', ['CUSTOMER', 'ADMIN']);

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stored trimmed and lower-cased; the unique index also guards against any other writer. */
    email: text().notNull(),
    name: text().notNull(),
    role: role().notNull().default('CUSTOMER'),
    /** scrypt$N$r$p$salt$hash — never the password itself. */
    passwordHash: text().notNull(),
    /** Millisecond precision so a JavaScript Date round-trips exactly through pagination cursors. */
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /**
     * Set by deleteMe, which erases the personal data in the same statement (email, name, password hash):
     * the row stays as a tombstone so that references to the id (orders) still resolve.
     */
    deletedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (table) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`),
    index('users_created_at_id_idx').on(table.createdAt, table.id),
  ],
);

export type UserRow = typeof users.$inferSelect;

/** Events about users, written in the transaction of the change; the relay publishes them (packages/events). */
export const outbox = outboxTable();

/** The account signUp created per Idempotency-Key, written with it (see runIdempotent). */
export const idempotencyKeys = idempotencyTable();
