import { createEvent, enqueueEvents, type EventHandlers } from '@supergraph/events';
import type { OrdersSchema } from '../db/client.ts';
import { outbox } from '../db/schema.ts';
import { cancelOrdersOfDeletedUser } from '../graphql/order/queries.ts';
import { lockUser, recordUserDeleted, recordUserRegistered } from './known-users.ts';

/**
 * How the orders service reacts to the users service's events. Each runs in the consumer's transaction,
 * together with the inbox row that makes a redelivery harmless.
 */
export const ordersEventHandlers: EventHandlers<OrdersSchema> = {
  'user.registered': async (event, tx) => {
    await recordUserRegistered(tx, event.payload.userId, new Date(event.occurredAt));
  },

  /** The user is gone: refuse their new orders, cancel the PENDING ones, mark every one as a deleted user's. */
  'user.deleted': async (event, tx) => {
    const { userId } = event.payload;
    await lockUser(tx, userId);
    await recordUserDeleted(tx, userId, new Date(event.occurredAt));
    const cancelled = await cancelOrdersOfDeletedUser(tx, userId);
    await enqueueEvents(
      tx,
      outbox,
      cancelled.map((order) =>
        createEvent('order.cancelled', order.id, { orderId: order.id, userId, reason: 'USER_DELETED' }),
      ),
    );
  },
};
