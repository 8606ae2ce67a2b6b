import { createEvent, enqueueEvents } from '@supergraph/events';
import { afterTimeKey } from '@supergraph/service-kit/db';
import type { TimeKey } from '@supergraph/service-kit/graphql';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { OrdersDb } from '../db/client.ts';
import { orderItems, orders, outbox, type OrderRow, type OrderStatus } from '../db/schema.ts';
import { findKnownProducts } from './known-products.ts';
import { knownUserStatusOf, lockUser } from './known-users.ts';
import { priceOrder } from './pricing.ts';
import { changeOrderStatus } from './status.ts';
import type { PlaceOrder } from './validation.ts';

export type OrderPageKey = TimeKey;

/** Rows strictly after `after` in newest-first order. */
const afterKey = (after: OrderPageKey | null) => afterTimeKey(orders, after, 'desc');

/** One page of orders, newest first; `userId` null lists everybody's (admins). */
export function listOrders(
  db: OrdersDb,
  filter: { userId: string | null; status: OrderStatus | null; after: OrderPageKey | null; limit: number },
): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(
      and(
        filter.userId ? eq(orders.userId, filter.userId) : undefined,
        filter.status ? eq(orders.status, filter.status) : undefined,
        afterKey(filter.after),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(filter.limit);
}

/**
 * The same page for many users in one statement: a window function numbers each user's orders newest
 * first, and only the first `limit` of each survive. This is what keeps `users { orders }` at one query.
 */
export async function listOrdersForUsers(
  db: OrdersDb,
  userIds: readonly string[],
  filter: { status: OrderStatus | null; after: OrderPageKey | null; limit: number },
): Promise<OrderRow[]> {
  const ranked = db
    .select({
      id: orders.id,
      rank: sql<number>`row_number() over (partition by ${orders.userId} order by ${orders.createdAt} desc, ${orders.id} desc)`.as(
        'rank',
      ),
    })
    .from(orders)
    .where(
      and(
        inArray(orders.userId, [...userIds]),
        filter.status ? eq(orders.status, filter.status) : undefined,
        afterKey(filter.after),
      ),
    )
    .as('ranked');
  const rows = await db
    .select({ order: orders })
    .from(orders)
    .innerJoin(ranked, eq(ranked.id, orders.id))
    .where(sql`${ranked.rank} <= ${filter.limit}`)
    .orderBy(desc(orders.createdAt), desc(orders.id));
  return rows.map((row) => row.order);
}

export function findOrdersByIds(db: OrdersDb, ids: readonly string[]): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(inArray(orders.id, [...ids]));
}

export function findItemsByOrderIds(db: OrdersDb, orderIds: readonly string[]) {
  return db
    .select()
    .from(orderItems)
    .where(inArray(orderItems.orderId, [...orderIds]))
    .orderBy(asc(orderItems.orderId), asc(orderItems.position));
}

export type PlaceOutcome =
  | { kind: 'placed'; order: OrderRow }
  | { kind: 'user-deleted' }
  | { kind: 'item-refused'; field: string; message: string };

/**
 * The order, its items and its order.placed event in one transaction: all are written or none. Each line is
 * priced from the read model of the catalog's products as it is now (priceOrder); the stored lines keep that
 * SKU, name and price whatever the catalog changes later. Refused when the events said the user was deleted; a
 * user the events never mentioned (demo users, users from before events flowed) may order. The per-user lock
 * orders this against the user's deletion being applied.
 */
export function insertOrder(db: OrdersDb, userId: string, order: PlaceOrder): Promise<PlaceOutcome> {
  return db.transaction(async (tx) => {
    await lockUser(tx, userId);
    if ((await knownUserStatusOf(tx, userId)) === 'DELETED') return { kind: 'user-deleted' };
    const known = await findKnownProducts(
      tx,
      order.items.map((item) => item.productId),
    );
    const priced = priceOrder(order.currency, order.items, known);
    if (priced.kind === 'refused')
      return { kind: 'item-refused', field: priced.field, message: priced.message };
    const [row] = await tx
      .insert(orders)
      .values({ userId, currency: order.currency, totalAmount: priced.totalAmount })
      .returning();
    await tx
      .insert(orderItems)
      .values(priced.lines.map((line, position) => ({ ...line, orderId: row!.id, position })));
    await enqueueEvents(tx, outbox, [
      createEvent(
        'order.placed',
        row!.id,
        {
          orderId: row!.id,
          userId,
          currency: row!.currency,
          totalAmount: row!.totalAmount,
          itemCount: priced.lines.length,
        },
        { occurredAt: row!.createdAt },
      ),
    ]);
    return { kind: 'placed', order: row! };
  });
}

/**
 * The orders of a user who deleted their account (applying user.deleted): PENDING ones are cancelled, and
 * every one is marked as a deleted user's. Returns the orders it cancelled.
 */
export async function cancelOrdersOfDeletedUser(tx: OrdersDb, userId: string): Promise<OrderRow[]> {
  const cancelled = await tx
    .update(orders)
    .set({ status: 'CANCELLED', userDeletedAt: sql`now()` })
    .where(and(eq(orders.userId, userId), eq(orders.status, 'PENDING')))
    .returning();
  await tx
    .update(orders)
    .set({ userDeletedAt: sql`now()` })
    .where(and(eq(orders.userId, userId), isNull(orders.userDeletedAt)));
  return cancelled;
}

export type CancelOutcome =
  | { kind: 'cancelled'; order: OrderRow }
  | { kind: 'not-found' }
  | { kind: 'forbidden' }
  | { kind: 'not-cancellable'; status: OrderStatus };

/**
 * Cancels an order the caller may change, with its order.cancelled and order.statusChanged events, through
 * the one status-change path (see changeOrderStatus: a concurrent change cannot slip in between).
 */
export async function cancelOrder(
  db: OrdersDb,
  id: string,
  mayChange: (order: OrderRow) => boolean,
): Promise<CancelOutcome> {
  const outcome = await changeOrderStatus(db, id, 'CANCELLED', mayChange);
  switch (outcome.kind) {
    case 'changed':
      return { kind: 'cancelled', order: outcome.order };
    case 'not-allowed':
      return { kind: 'not-cancellable', status: outcome.from };
    default:
      return outcome;
  }
}
