import { outboxTable } from '@supergraph/events';
import { idempotencyTable } from '@supergraph/service-kit/db';
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const products = pgTable(
  'products',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Unique, and never changed once created: orders store it on their lines and may show it as current. */
    sku: text().notNull().unique(),
    name: text().notNull(),
    description: text(),
    /** Price of one unit in minor units of `currency`. */
    priceAmount: integer().notNull(),
    /** ISO-4217 code the product is sold in. */
    currency: text().notNull(),
    /** False once archived; archiving is final. */
    active: boolean().notNull().default(true),
    /** Grows by one with every change; each product event carries it, so consumers keep only the newest. */
    version: integer().notNull().default(1),
    /** Millisecond precision so a JavaScript Date round-trips exactly through pagination cursors. */
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // `products` lists active products oldest first.
    index('products_active_created_idx').on(table.active, table.createdAt, table.id),
    check('products_price_amount_check', sql`${table.priceAmount} >= 0`),
    check('products_currency_check', sql`${table.currency} ~ '^[A-Z]{3}$'`),
    check('products_version_check', sql`${table.version} >= 1`),
  ],
);

export type ProductRow = typeof products.$inferSelect;

/** Events about products, written in the transaction of the change; the relay publishes them (packages/events). */
export const outbox = outboxTable();

/** The product createProduct created per Idempotency-Key, written with it (see runIdempotent). */
export const idempotencyKeys = idempotencyTable();
