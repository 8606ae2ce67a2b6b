import { enqueueEvents } from '@supergraph/events';
import type { OrdersDb } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import { lockUser, recordUserDeleted } from './known-users.ts';
import { cancelOrdersOfDeletedUser } from './queries.ts';
import { statusChangeEvents } from './status.ts';

/**
 * The user is gone: refuse their new orders from now on, cancel their PENDING ones (each with its
 * order.cancelled and order.statusChanged events) and mark every one as a deleted user's. Runs in the caller's transaction.
 */
export async function applyUserDeleted(tx: OrdersDb, userId: string, occurredAt: Date): Promise<void> {
  await lockUser(tx, userId);
  await recordUserDeleted(tx, userId, occurredAt);
  const cancelled = await cancelOrdersOfDeletedUser(tx, userId);
  await enqueueEvents(
    tx,
    outbox,
    cancelled.flatMap((order) => statusChangeEvents(order, 'PENDING', 'CANCELLED', 'USER_DELETED')),
  );
}
