import { requireUser } from '@supergraph/service-kit/auth';
import { notFound } from '@supergraph/service-kit/errors';
import { isUuid } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import type { OrderUpdate } from '../../live/order-updates.ts';
import { visibleOrder } from '../order/resolvers.ts';

const orderOf = (update: OrderUpdate) => update.order;

/**
 * Live order updates. Who may subscribe to what is decided here, once, when subscribing; every event then
 * delivers the order as the database holds it (see live/order-updates.ts), executed with that event's loaders.
 */
export const liveResolvers: Resolvers = {
  Subscription: {
    orderUpdated: {
      subscribe: async (_parent, { id }, context) => {
        requireUser(context.identity);
        const order = isUuid(id) ? await visibleOrder(id, context) : null;
        if (!order) throw notFound(`No order has id ${id}.`);
        return context.live.subscribe({ orderId: order.id });
      },
      resolve: orderOf,
    },
    myOrderUpdates: {
      subscribe: (_parent, _args, { identity, live }) => {
        const caller = requireUser(identity);
        return live.subscribe(caller.role === 'ADMIN' ? { everyOrder: true } : { userId: caller.userId });
      },
      resolve: orderOf,
    },
  },
};
