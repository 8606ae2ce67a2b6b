import { signAccessToken } from '@supergraph/service-kit/auth';
import { badUserInput, unauthenticated } from '@supergraph/service-kit/errors';
import { isUniqueViolation } from '@supergraph/service-kit/db';
import { decoyHash, hashPassword, verifyPassword } from '../../users/passwords.ts';
import { normaliseEmail, parseSignUpInput } from '../../users/validation.ts';
import type { UsersContext } from '../../context.ts';
import type { UserRow } from '../../db/schema.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { findUserByEmail, registerUser } from '../../users/queries.ts';

async function session(user: UserRow, { tokens, authenticatedInRequest }: UsersContext) {
  authenticatedInRequest.add(user.id);
  const token = await signAccessToken({ userId: user.id, role: user.role }, tokens);
  return { token, user };
}

export const authResolvers: Resolvers = {
  Mutation: {
    signUp: async (_parent, { input }, context) => {
      const { email, name, password } = parseSignUpInput(input);
      const passwordHash = await hashPassword(password);
      try {
        const user = await registerUser(context.db, { email, name, passwordHash });
        context.logger.info({ userId: user.id }, 'user signed up');
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
