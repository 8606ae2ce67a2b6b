import type { ProductRow } from '../../db/schema.ts';

/** What Product resolvers receive: the stored row. */
export type ProductModel = ProductRow;
