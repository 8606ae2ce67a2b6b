import type { EventHandlers } from '@supergraph/events';
import type { OrdersSchema } from '../db/client.ts';
import { recordUserRegistered } from '../orders/known-users.ts';
import { applyUserDeleted } from '../orders/user-deleted.ts';
import { productEventHandlers } from './product-handlers.ts';

/**
 * How the orders service reacts to the users service's events, and to the catalog's (product-handlers.ts). Each
 * runs in the consumer's transaction, together with the inbox row that makes a redelivery harmless.
 */
export const ordersEventHandlers: EventHandlers<OrdersSchema> = {
  'user.registered': (event, tx) =>
    recordUserRegistered(tx, event.payload.userId, new Date(event.occurredAt)),
  'user.deleted': (event, tx) => applyUserDeleted(tx, event.payload.userId, new Date(event.occurredAt)),
  ...productEventHandlers,
};
