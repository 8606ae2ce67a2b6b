import { requireUser } from '@supergraph/service-kit/auth';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const catalogResolvers: Resolvers = {
  Query: {
    catalog: (_parent, { id }, { identity, loaders }) => {
      requireUser(identity);
      return loaders.catalog.load(id);
    },
  },

  Catalog: {
    // Other subgraphs refer to a catalog by id; the gateway asks for many at once, the loader batches them.
    __resolveReference: (reference, { loaders }) => loaders.catalog.load(reference.id),
  },
};
