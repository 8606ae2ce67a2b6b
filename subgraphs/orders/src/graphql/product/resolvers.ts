import { normalizeId } from '@supergraph/service-kit/graphql';
import type { Resolvers } from '../../generated/resolvers-types.ts';

export const productResolvers: Resolvers = {
  Product: {
    // The catalog service owns products; here a reference is just its id, so resolving it needs no lookup.
    __resolveReference: (reference) => ({ id: normalizeId(reference.id) }),
    orderCount: (product, _args, { loaders }) => loaders.productOrderCount.load(product.id),
  },
};
