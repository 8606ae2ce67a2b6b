import {
  canAccessOwnedBy,
  decodeTimeCursor,
  forbidden,
  notFound,
  pageSize,
  requireAdmin,
  requireUser,
  timeKeyOf,
  toConnection,
} from '@supergraph/service-kit';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { parseUpdateMeInput } from '../../auth/validation.ts';
import { listUsers, updateUserName } from './queries.ts';

export const userResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, { identity, loaders }) => (identity ? loaders.user.load(identity.userId) : null),

    user: (_parent, { id }, { identity, loaders }) => {
      requireUser(identity);
      return loaders.user.load(id);
    },

    users: async (_parent, { first, after }, { identity, db, loaders }) => {
      requireAdmin(identity);
      const size = pageSize(first);
      const rows = await listUsers(db, size + 1, decodeTimeCursor(after));
      for (const row of rows) loaders.user.prime(row.id, row);
      return toConnection(rows, size, timeKeyOf, (row) => row, after ?? null);
    },
  },

  Mutation: {
    updateMe: async (_parent, { input }, { identity, db, loaders }) => {
      const caller = requireUser(identity);
      const changes = parseUpdateMeInput(input);
      if (changes.name === undefined || changes.name === null) {
        const current = await loaders.user.load(caller.userId);
        if (!current) throw notFound('Your account no longer exists.');
        return current;
      }
      const row = await updateUserName(db, caller.userId, changes.name);
      if (!row) throw notFound('Your account no longer exists.');
      loaders.user.clear(row.id).prime(row.id, row);
      return row;
    },
  },

  User: {
    __resolveReference: (reference, { loaders }) => loaders.user.load(reference.id),

    // Email is personal data: only its owner and admins see it.
    email: (user, _args, { identity, authenticatedInRequest }) => {
      if (!canAccessOwnedBy(identity, user.id) && !authenticatedInRequest.has(user.id)) throw forbidden("You can only see your own email address.");
      return user.email;
    },
  },
};
