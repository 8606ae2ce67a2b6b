import { inboxTable, outboxTable } from '@supergraph/events';
import { idempotencyTable } from '@supergraph/service-kit/db';
import { desc, sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const orderStatus = pgEnum('order_status', ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED']);

export const orders = pgTable(
  'orders',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The users service's id for the customer. Only the id: this service never reads the users database. */
    userId: uuid().notNull(),
    status: orderStatus().notNull().default('PENDING'),
    /** ISO-4217 code shared by every item of the order. */
    currency: text().notNull(),
    /** Sum of the items' subtotals in minor units, computed by the server when the order is placed. */
    totalAmount: integer().notNull(),
    /** Millisecond precision so a JavaScript Date round-trips exactly through pagination cursors. */
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /**
     * When this service learned (user.deleted) that the customer deleted their account: the order belongs
     * to a deleted user from then on. Its PENDING orders were cancelled at that moment.
     */
    userDeletedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (table) => [
    // Newest-first connections: a customer's orders, optionally by status, and all orders for admins.
    index('orders_user_created_idx').on(table.userId, desc(table.createdAt), desc(table.id)),
    index('orders_user_status_created_idx').on(
      table.userId,
      table.status,
      desc(table.createdAt),
      desc(table.id),
    ),
    index('orders_created_idx').on(desc(table.createdAt), desc(table.id)),
    check('orders_total_amount_check', sql`${table.totalAmount} >= 0`),
    check('orders_currency_check', sql`${table.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** Keeps the items in the order the customer listed them. */
    position: integer().notNull(),
    /** The catalog's product; null on lines placed before orders were placed by product. */
    productId: uuid(),
    /** sku, name and unitPrice: the product as orders knew it when the order was placed, kept as they were. */
    sku: text().notNull(),
    name: text().notNull(),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.position] }),
    // Product.orderCount counts a batch of products' orders in one statement.
    index('order_items_product_idx').on(table.productId),
    check('order_items_quantity_check', sql`${table.quantity} between 1 and 1000`),
    check('order_items_unit_price_check', sql`${table.unitPrice} >= 0`),
  ],
);

export const knownUserStatus = pgEnum('known_user_status', ['ACTIVE', 'DELETED']);

/**
 * This service's read model of users, fed only by the users service's events (user.registered,
 * user.deleted). Users who signed up before events flowed (the demo users, for one) are simply absent:
 * absent means unknown, and only DELETED refuses anything.
 */
export const knownUsers = pgTable('known_users', {
  userId: uuid().primaryKey(),
  status: knownUserStatus().notNull(),
  /** occurredAt of the event that set the status. */
  since: timestamp({ withTimezone: true, precision: 3 }).notNull(),
});

/**
 * This service's read model of the catalog's products, fed only by catalog's events (product.created, updated,
 * archived; the demo seed writes the demo catalogue): placeOrder takes each line's SKU, name and price from here.
 * `version` is the catalog's per-product version: an event older than the row changes nothing.
 */
export const knownProducts = pgTable(
  'known_products',
  {
    productId: uuid().primaryKey(),
    sku: text().notNull(),
    name: text().notNull(),
    /** Price of one unit in minor units of `currency`. */
    unitPrice: integer().notNull(),
    currency: text().notNull(),
    active: boolean().notNull(),
    version: integer().notNull(),
    /** occurredAt of the event that wrote this version. */
    since: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [check('known_products_unit_price_check', sql`${table.unitPrice} >= 0`)],
);

/** Events about orders, written in the transaction of the change; the relay publishes them (packages/events). */
export const outbox = outboxTable();
/** Events this service applied, recorded in the transaction of their effect: redeliveries change nothing. */
export const inbox = inboxTable();

/** The first outcome of placeOrder/cancelOrder per Idempotency-Key, written with its effect (see runIdempotent). */
export const idempotencyKeys = idempotencyTable();

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type OrderStatus = OrderRow['status'];
export type KnownProductRow = typeof knownProducts.$inferSelect;
