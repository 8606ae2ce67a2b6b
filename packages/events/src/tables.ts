import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AnyEvent } from './catalogue.ts';

/**
 * The outbox and inbox tables, as factories: each service calls them from its own `src/db/schema.ts`, so the
 * tables live in the service's database and drizzle-kit writes them into the service's migrations.
 */

/** Events written in the same transaction as the change they describe; the relay publishes and marks them. */
export const outboxTable = () =>
  pgTable(
    'outbox',
    {
      /** The event's id: what consumers deduplicate on. */
      id: uuid().primaryKey(),
      /** Commit order, roughly: the relay publishes in this order. */
      seq: bigint({ mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
      type: text().notNull(),
      aggregateId: uuid().notNull(),
      /** The whole message body, as validated when written. */
      event: jsonb().$type<AnyEvent>().notNull(),
      createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
      /** Set once the broker confirmed the message; null while it waits. */
      publishedAt: timestamp({ withTimezone: true, precision: 3 }),
    },
    (table) => [
      // The relay's poll reads only what waits, oldest first: a small partial index, however long the history.
      index('outbox_unpublished_seq_idx')
        .on(table.seq)
        .where(sql`${table.publishedAt} is null`),
    ],
  );

/** Events a consumer has applied, recorded in the transaction of their effect: a redelivery finds its row and changes nothing. */
export const inboxTable = () =>
  pgTable(
    'inbox',
    {
      /** Which consumer of this service applied it (one service may run several). */
      consumer: text().notNull(),
      eventId: uuid().notNull(),
      type: text().notNull(),
      processedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    },
    (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
  );

export type OutboxTable = ReturnType<typeof outboxTable>;
export type InboxTable = ReturnType<typeof inboxTable>;
export type OutboxRow = OutboxTable['$inferSelect'];
