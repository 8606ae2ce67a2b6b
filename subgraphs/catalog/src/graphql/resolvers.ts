import { DateTime } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { catalogResolvers } from './catalog/resolvers.ts';

/** Every resolver of the catalog subgraph, one map per type. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { ...catalogResolvers.Query },
  Catalog: catalogResolvers.Catalog,
};
