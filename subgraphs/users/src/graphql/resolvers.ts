import { DateTime } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { authResolvers } from './auth/resolvers.ts';
import { userResolvers } from './user/resolvers.ts';

/** Every resolver of the users subgraph, one map per type. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { ...userResolvers.Query },
  Mutation: { ...userResolvers.Mutation, ...authResolvers.Mutation },
  User: userResolvers.User,
};
