import { DateTime } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { liveResolvers } from './live/resolvers.ts';
import { orderResolvers } from './order/resolvers.ts';
import { productResolvers } from './product/resolvers.ts';
import { userResolvers } from './user/resolvers.ts';

/** Every resolver of the orders subgraph, one map per type. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { ...orderResolvers.Query },
  Mutation: { ...orderResolvers.Mutation },
  Subscription: { ...liveResolvers.Subscription },
  Order: orderResolvers.Order,
  OrderItem: orderResolvers.OrderItem,
  Product: productResolvers.Product,
  User: userResolvers.User,
};
