import { canAccessOwnedBy, requireAdmin, requireUser } from '@supergraph/service-kit/auth';
import { badUserInput, forbidden, notFound } from '@supergraph/service-kit/errors';
import { mutationCall, runIdempotent } from '@supergraph/service-kit/db';
import {
  decodeTimeCursor,
  isUuid,
  normalizeId,
  pageSize,
  timeKeyOf,
  toConnection,
} from '@supergraph/service-kit/graphql';
import type { OrdersContext } from '../../context.ts';
import { idempotencyKeys, type OrderRow } from '../../db/schema.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { cancelOrderCodec, placeOrderCodec, setOrderStatusCodec } from '../../orders/idempotent.ts';
import { money } from './mappers.ts';
import { cancelOrder, insertOrder, listOrders } from '../../orders/queries.ts';
import { changeOrderStatus } from '../../orders/status.ts';
import { parsePlaceOrderInput } from '../../orders/validation.ts';

/** Loads an order the caller may see: null when it does not exist, FORBIDDEN when it is someone else's. */
export async function visibleOrder(
  id: string,
  { identity, loaders }: OrdersContext,
): Promise<OrderRow | null> {
  requireUser(identity);
  const order = await loaders.order.load(id);
  if (order && !canAccessOwnedBy(identity, order.userId))
    throw forbidden('This order belongs to another user.');
  return order;
}

export const orderResolvers: Resolvers = {
  Query: {
    order: (_parent, { id }, context) => {
      requireUser(context.identity);
      return visibleOrder(id, context);
    },

    orders: async (_parent, { first, after, status }, { identity, db, loaders }) => {
      const caller = requireUser(identity);
      const size = pageSize(first);
      const rows = await listOrders(db, {
        userId: caller.role === 'ADMIN' ? null : caller.userId,
        status: status ?? null,
        after: decodeTimeCursor(after),
        limit: size + 1,
      });
      for (const row of rows) loaders.order.prime(row.id, row);
      return toConnection(rows, size, timeKeyOf, (row) => row, after ?? null);
    },
  },

  Mutation: {
    placeOrder: async (_parent, { input }, { identity, db, logger, idempotencyKey }, info) => {
      const caller = requireUser(identity);
      const order = parsePlaceOrderInput(input);
      const outcome = await runIdempotent(
        db,
        idempotencyKeys,
        mutationCall(info, idempotencyKey, caller.userId, order),
        (tx) => insertOrder(tx, caller.userId, order),
        placeOrderCodec,
      );
      if (outcome.kind === 'user-deleted')
        throw forbidden('Your account was deleted; it can no longer place orders.');
      if (outcome.kind === 'item-refused') throw badUserInput(outcome.message, outcome.field);
      logger.info({ orderId: outcome.order.id, userId: caller.userId }, 'order placed');
      return outcome.order;
    },

    cancelOrder: async (_parent, { id }, { identity, db, loaders, idempotencyKey }, info) => {
      const caller = requireUser(identity);
      if (!isUuid(id)) throw notFound(`No order has id ${id}.`);
      const outcome = await runIdempotent(
        db,
        idempotencyKeys,
        mutationCall(info, idempotencyKey, caller.userId, { id: normalizeId(id) }),
        (tx) => cancelOrder(tx, id, (order) => canAccessOwnedBy(identity, order.userId)),
        cancelOrderCodec,
      );
      switch (outcome.kind) {
        case 'cancelled':
          loaders.order.clear(id).prime(id, outcome.order);
          return outcome.order;
        case 'not-found':
          throw notFound(`No order has id ${id}.`);
        case 'forbidden':
          throw forbidden('This order belongs to another user.');
        case 'not-cancellable':
          throw badUserInput(
            `Only PENDING or PAID orders can be cancelled; this order is ${outcome.status}.`,
            'id',
          );
      }
    },

    setOrderStatus: async (
      _parent,
      { id, status },
      { identity, db, loaders, logger, idempotencyKey },
      info,
    ) => {
      // The gateway refuses non-admins (@requiresScopes); checked again here, as every subgraph does.
      const caller = requireAdmin(identity);
      if (!isUuid(id)) throw notFound(`No order has id ${id}.`);
      const outcome = await runIdempotent(
        db,
        idempotencyKeys,
        mutationCall(info, idempotencyKey, caller.userId, { id: normalizeId(id), status }),
        (tx) => changeOrderStatus(tx, id, status),
        setOrderStatusCodec,
      );
      switch (outcome.kind) {
        case 'changed':
          loaders.order.clear(id).prime(id, outcome.order);
          logger.info({ orderId: id, from: outcome.from, to: status }, 'order status changed');
          return outcome.order;
        case 'not-found':
          throw notFound(`No order has id ${id}.`);
        case 'forbidden':
          throw forbidden('Only administrators can change the status of an order.');
        case 'not-allowed':
          throw badUserInput(
            `An order cannot move from ${outcome.from} to ${outcome.to}; the allowed moves are PENDING → PAID → SHIPPED and PENDING or PAID → CANCELLED.`,
            'status',
          );
      }
    },
  },

  Order: {
    __resolveReference: (reference, context) => visibleOrder(reference.id, context),
    items: async (order, _args, { loaders }) =>
      (await loaders.items.load(order.id)).map((item) => ({ ...item, currency: order.currency })),
    total: (order) => money(order.totalAmount, order.currency),
    user: (order) => ({ id: order.userId }),
  },

  OrderItem: {
    // Orders knows the product by id and its SKU, which never changes; catalog resolves the rest.
    product: (item) => (item.productId ? { id: item.productId, sku: item.sku } : null),
    unitPrice: (item) => money(item.unitPrice, item.currency),
    subtotal: (item) => money(item.unitPrice * item.quantity, item.currency),
  },
};
