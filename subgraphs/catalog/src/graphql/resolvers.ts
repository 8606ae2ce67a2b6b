import { DateTime } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { productResolvers } from './product/resolvers.ts';

/** Every resolver of the catalog subgraph, one map per type. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { ...productResolvers.Query },
  Mutation: { ...productResolvers.Mutation },
  Product: productResolvers.Product,
};
