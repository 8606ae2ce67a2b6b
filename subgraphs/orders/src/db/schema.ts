import { desc, sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
  },
  (table) => [
    // Newest-first connections: a customer's orders, optionally by status, and all orders for admins.
    index('orders_user_created_idx').on(table.userId, desc(table.createdAt), desc(table.id)),
    index('orders_user_status_created_idx').on(table.userId, table.status, desc(table.createdAt), desc(table.id)),
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
    sku: text().notNull(),
    name: text().notNull(),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.position] }),
    check('order_items_quantity_check', sql`${table.quantity} between 1 and 1000`),
    check('order_items_unit_price_check', sql`${table.unitPrice} >= 0`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type OrderStatus = OrderRow['status'];
