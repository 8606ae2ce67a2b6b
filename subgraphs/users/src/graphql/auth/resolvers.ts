import { signAccessToken } from '@supergraph/service-kit/auth';
import { badUserInput, unauthenticated } from '@supergraph/service-kit/errors';
import { isUniqueViolation, mutationCall, runIdempotent } from '@supergraph/service-kit/db';
import { decoyHash, hashPassword, verifyPassword } from '../../users/passwords.ts';
import { normaliseEmail, parseSignUpInput } from '../../users/validation.ts';
import type { UsersContext } from '../../context.ts';
import { idempotencyKeys, type UserRow } from '../../db/schema.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { findUserByEmail, registerUser } from '../../users/queries.ts';

async function session(user: UserRow, { tokens, authenticatedInRequest }: UsersContext) {
  authenticatedInRequest.add(user.id);
  const token = await signAccessToken({ userId: user.id, role: user.role }, tokens);
  return { token, user };
}

/**
 * A signUp retried with its Idempotency-Key: the account the first call created, if the retry has its password
 * (the same input); a new token is signed, since tokens are never stored.
 */
async function accountToReplay(
  stored: unknown,
  password: string,
  { loaders }: UsersContext,
): Promise<UserRow> {
  const user = await loaders.user.load((stored as { userId: string }).userId);
  if (!user || user.deletedAt || !(await verifyPassword(password, user.passwordHash))) {
    throw badUserInput(
      'This Idempotency-Key was already used for a different request; send a new key for a new request.',
      'Idempotency-Key',
    );
  }
  return user;
}

export const authResolvers: Resolvers = {
  Mutation: {
    signUp: async (_parent, { input }, context, info) => {
      const { email, name, password } = parseSignUpInput(input);
      const passwordHash = await hashPassword(password);
      try {
        const user = await runIdempotent(
          context.db,
          idempotencyKeys,
          // The password is no part of the stored fingerprint; a retry proves it against the account instead.
          mutationCall(info, context.idempotencyKey, context.identity?.userId ?? 'anonymous', {
            email,
            name,
          }),
          async (tx) => {
            const created = await registerUser(tx, { email, name, passwordHash });
            context.logger.info({ userId: created.id }, 'user signed up');
            return created;
          },
          {
            store: (created) => ({ userId: created.id }),
            replay: (stored) => accountToReplay(stored, password, context),
          },
        );
        return session(user, context);
      } catch (error) {
        if (isUniqueViolation(error))
          throw badUserInput('An account with this email already exists.', 'email');
        throw error;
      }
    },

    logIn: async (_parent, { email, password }, context) => {
      const user = await findUserByEmail(context.db, normaliseEmail(email));
      // Hash even when the email is unknown, so response time does not tell whether an account exists.
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !matches) throw unauthenticated('Email or password is incorrect.');
      return session(user, context);
    },
  },
};
