import { canAccessOwnedBy, requireUser } from '@supergraph/service-kit/auth';
import { forbidden } from '@supergraph/service-kit/errors';
import {
  decodeTimeCursor,
  normalizeId,
  pageSize,
  timeKeyOf,
  toConnection,
} from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const userResolvers: Resolvers = {
  User: {
    // The users service owns users; here a reference is just its id, so resolving it needs no lookup.
    __resolveReference: (reference) => ({ id: normalizeId(reference.id) }),

    orders: async (user, { first, after, status }, { identity, loaders }) => {
      requireUser(identity);
      if (!canAccessOwnedBy(identity, user.id)) throw forbidden('You can only see your own orders.');
      const size = pageSize(first);
      const rows = await loaders.userOrders.load({
        userId: user.id,
        status: status ?? null,
        after: decodeTimeCursor(after),
        limit: size + 1,
      });
      for (const row of rows) loaders.order.prime(row.id, row);
      return toConnection(rows, size, timeKeyOf, (row) => row, after ?? null);
    },
  },
};
