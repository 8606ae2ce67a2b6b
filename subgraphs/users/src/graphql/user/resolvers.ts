import {
  canAccessOwnedBy,
  decodeCursor,
  forbidden,
  notFound,
  pageSize,
  requireAdmin,
  requireUser,
  toConnection,
  badUserInput,
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
      const cursor = decodeCursor(after, 2);
      let afterKey: { createdAt: Date; id: string } | null = null;
      if (cursor) {
        const createdAt = new Date(cursor[0]!);
        if (Number.isNaN(createdAt.getTime())) throw badUserInput('"after" is not a valid cursor.', 'after');
        afterKey = { createdAt, id: cursor[1]! };
      }
      const rows = await listUsers(db, size + 1, afterKey);
      for (const row of rows) loaders.user.prime(row.id, row);
      return toConnection(rows, size, (row) => [row.createdAt.toISOString(), row.id], (row) => row);
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
    email: (user, _args, { identity }) => {
      if (!canAccessOwnedBy(identity, user.id)) throw forbidden("You can only see your own email address.");
      return user.email;
    },
  },
};
