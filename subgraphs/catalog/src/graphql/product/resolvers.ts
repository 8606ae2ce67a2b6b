import { requireAdmin } from '@supergraph/service-kit/auth';
import { badUserInput, notFound } from '@supergraph/service-kit/errors';
import { mutationCall, runIdempotent } from '@supergraph/service-kit/db';
import { decodeTimeCursor, isUuid, pageSize, timeKeyOf, toConnection } from '@supergraph/service-kit/graphql';
import type { CatalogContext } from '../../context.ts';
import { idempotencyKeys, type ProductRow } from '../../db/schema.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';
import { createProductCodec } from '../../catalog/idempotent.ts';
import {
  archiveProduct,
  insertProduct,
  listProducts,
  updateProduct,
  type ChangeOutcome,
} from '../../catalog/queries.ts';
import { parseCreateProductInput, parseSearch, parseUpdateProductInput } from '../../catalog/validation.ts';

/** The product a change left, refreshed in this request's loader; the refusals as GraphQL errors. */
function changed(outcome: ChangeOutcome, id: string, { loaders }: CatalogContext): ProductRow {
  switch (outcome.kind) {
    case 'changed':
      loaders.product.clear(id).prime(id, outcome.product);
      return outcome.product;
    case 'not-found':
      throw notFound(`No product has id ${id}.`);
    case 'archived':
      throw badUserInput('This product is archived; archived products cannot be changed.', 'id');
  }
}

export const productResolvers: Resolvers = {
  Query: {
    products: async (_parent, { first, after, search }, { db, loaders }) => {
      const size = pageSize(first);
      const rows = await listProducts(db, {
        search: parseSearch(search),
        after: decodeTimeCursor(after),
        limit: size + 1,
      });
      for (const row of rows) loaders.product.prime(row.id, row);
      return toConnection(rows, size, timeKeyOf, (row) => row, after ?? null);
    },

    product: (_parent, { id }, { loaders }) => loaders.product.load(id),
  },

  Mutation: {
    createProduct: async (_parent, { input }, { identity, db, logger, idempotencyKey }, info) => {
      const caller = requireAdmin(identity);
      const product = parseCreateProductInput(input);
      const outcome = await runIdempotent(
        db,
        idempotencyKeys,
        mutationCall(info, idempotencyKey, caller.userId, product),
        (tx) => insertProduct(tx, product),
        createProductCodec,
      );
      if (outcome.kind === 'sku-taken')
        throw badUserInput(`A product with SKU ${product.sku} already exists.`, 'sku');
      logger.info({ productId: outcome.product.id, sku: outcome.product.sku }, 'product created');
      return outcome.product;
    },

    updateProduct: async (_parent, { id, input }, context) => {
      requireAdmin(context.identity);
      const changes = parseUpdateProductInput(input);
      if (!isUuid(id)) throw notFound(`No product has id ${id}.`);
      const product = changed(await updateProduct(context.db, id, changes), id, context);
      context.logger.info({ productId: product.id, version: product.version }, 'product updated');
      return product;
    },

    archiveProduct: async (_parent, { id }, context) => {
      requireAdmin(context.identity);
      if (!isUuid(id)) throw notFound(`No product has id ${id}.`);
      const product = changed(await archiveProduct(context.db, id), id, context);
      context.logger.info({ productId: product.id, version: product.version }, 'product archived');
      return product;
    },
  },

  Product: {
    // Other subgraphs refer to a product by id; the gateway asks for many at once, the loader batches them.
    __resolveReference: (reference, { loaders }) => loaders.product.load(reference.id),
    price: (product) => ({ amount: product.priceAmount, currency: product.currency }),
  },
};
