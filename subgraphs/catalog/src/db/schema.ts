import { outboxTable } from '@supergraph/events';
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const catalog = pgTable('catalog', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** Millisecond precision so a JavaScript Date round-trips exactly. */
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export type CatalogRow = typeof catalog.$inferSelect;

/** Events about catalog, written in the transaction of the change; the relay publishes them (packages/events). */
export const outbox = outboxTable();
