import { requireAdmin } from '@supergraph/service-kit/auth';
import { normalizeId } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const productResolvers: Resolvers = {
  Product: {
    // The catalog service owns products; here a reference is just its id, so resolving it needs no lookup.
    __resolveReference: (reference) => ({ id: normalizeId(reference.id) }),
    // Admins only (the schema's @requiresScopes is enforced by the gateway; checked again here, as every field is).
    orderCount: (product, _args, { identity, loaders }) => {
      requireAdmin(identity);
      return loaders.productOrderCount.load(product.id);
    },
  },
};
