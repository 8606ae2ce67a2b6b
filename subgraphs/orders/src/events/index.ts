import { createServiceEvents, type ServiceEvents } from '@supergraph/events';
import type { Logger } from '@supergraph/service-kit/logger';
import type { OrdersDatabase } from '../db/client.ts';
import { inbox, outbox } from '../db/schema.ts';
import type { OrdersEnv } from '../env.ts';
import { ordersEventHandlers } from './handlers.ts';

/**
 * The orders service's side of the events: it publishes order.placed and order.cancelled (written to the
 * outbox by placeOrder, cancelOrder and its reaction to user.deleted), and consumes user.registered,
 * user.deleted and the catalog's product.created/updated/archived from its queue `<prefix>orders`.
 */
export function createOrdersEvents({
  env,
  logger,
  database,
}: {
  env: OrdersEnv;
  logger: Logger;
  database: OrdersDatabase;
}): ServiceEvents {
  return createServiceEvents({
    service: 'orders',
    env,
    logger,
    database,
    outbox,
    consumer: { inbox, handlers: ordersEventHandlers },
  });
}
