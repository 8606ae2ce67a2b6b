import { canAccessOwnedBy, requireAdmin, requireUser } from '@supergraph/service-kit/auth';
import { forbidden, notFound } from '@supergraph/service-kit/errors';
import { decodeTimeCursor, pageSize, timeKeyOf, toConnection } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { parseUpdateMeInput } from '../../users/validation.ts';
import { deleteUser, listUsers, renameUser } from '../../users/queries.ts';

/** A deleted account is a tombstone: it resolves as a reference (Order.user), never as a user to look up. */
const live = <T extends { deletedAt: Date | null }>(user: T | null): T | null =>
  user?.deletedAt ? null : user;

export const userResolvers: Resolvers = {
  Query: {
    me: async (_parent, _args, { identity, loaders }) =>
      identity ? live(await loaders.user.load(identity.userId)) : null,

    user: async (_parent, { id }, { identity, loaders }) => {
      requireUser(identity);
      return live(await loaders.user.load(id));
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
        const current = live(await loaders.user.load(caller.userId));
        if (!current) throw notFound('Your account no longer exists.');
        return current;
      }
      const row = await renameUser(db, caller.userId, changes.name);
      if (!row) throw notFound('Your account no longer exists.');
      loaders.user.clear(row.id).prime(row.id, row);
      return row;
    },

    deleteMe: async (_parent, _args, { identity, db, loaders, logger }) => {
      const caller = requireUser(identity);
      const row = await deleteUser(db, caller.userId);
      if (!row) throw notFound('Your account no longer exists.');
      loaders.user.clear(row.id).prime(row.id, row);
      logger.info({ userId: row.id }, 'user deleted their account');
      return true;
    },
  },

  User: {
    // A deleted account resolves to its tombstone ("Deleted user", no email): orders keep referring to it.
    __resolveReference: (reference, { loaders }) => loaders.user.load(reference.id),

    // Email is personal data: only its owner and admins see it. A deleted account has none.
    email: (user, _args, { identity, authenticatedInRequest }) => {
      if (user.deletedAt) return null;
      if (!canAccessOwnedBy(identity, user.id) && !authenticatedInRequest.has(user.id))
        throw forbidden('You can only see your own email address.');
      return user.email;
    },
  },
};
