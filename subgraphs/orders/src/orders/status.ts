import { createEvent, enqueueEvents, type AnyEvent } from '@supergraph/events';
import { and, eq } from 'drizzle-orm';
import type { OrdersDb } from '../db/client.ts';
import { orders, outbox, type OrderRow, type OrderStatus } from '../db/schema.ts';

/** The status lifecycle: PENDING → PAID → SHIPPED, and PENDING or PAID → CANCELLED. Nothing else moves. */
export const NEXT_STATUSES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: [],
  CANCELLED: [],
};

export const canMoveTo = (from: OrderStatus, to: OrderStatus): boolean => NEXT_STATUSES[from].includes(to);

export type StatusChange =
  | { kind: 'changed'; order: OrderRow; from: OrderStatus }
  | { kind: 'not-found' }
  | { kind: 'forbidden' }
  | { kind: 'not-allowed'; from: OrderStatus; to: OrderStatus };

/**
 * The events of one status change: always order.statusChanged; a cancellation also order.cancelled (what
 * consumers of cancellations already read), with the reason it had.
 */
export function statusChangeEvents(
  order: Pick<OrderRow, 'id' | 'userId'>,
  from: OrderStatus,
  to: OrderStatus,
  cancelReason: 'REQUESTED' | 'USER_DELETED' = 'REQUESTED',
): AnyEvent[] {
  const changed = createEvent('order.statusChanged', order.id, {
    orderId: order.id,
    userId: order.userId,
    from,
    to,
  });
  if (to !== 'CANCELLED') return [changed];
  return [
    createEvent('order.cancelled', order.id, {
      orderId: order.id,
      userId: order.userId,
      reason: cancelReason,
    }),
    changed,
  ];
}

/**
 * Moves an order to `to` when the lifecycle allows it, with its events, in one transaction. The write is a
 * conditional UPDATE (`WHERE status = <the status just read>`): of two concurrent changes only one matches;
 * the other reads the order again and is judged against the status the winner left (at most a few rounds:
 * statuses only move forward). `mayChange` decides whether the caller may touch this order at all.
 */
export function changeOrderStatus(
  db: OrdersDb,
  id: string,
  to: OrderStatus,
  mayChange: (order: OrderRow) => boolean = () => true,
): Promise<StatusChange> {
  return db.transaction(async (tx) => {
    for (;;) {
      const [current] = await tx.select().from(orders).where(eq(orders.id, id));
      if (!current) return { kind: 'not-found' };
      if (!mayChange(current)) return { kind: 'forbidden' };
      if (!canMoveTo(current.status, to)) return { kind: 'not-allowed', from: current.status, to };
      const [order] = await tx
        .update(orders)
        .set({ status: to })
        .where(and(eq(orders.id, id), eq(orders.status, current.status)))
        .returning();
      if (!order) continue;
      await enqueueEvents(tx, outbox, statusChangeEvents(order, current.status, to));
      return { kind: 'changed', order, from: current.status };
    }
  });
}
