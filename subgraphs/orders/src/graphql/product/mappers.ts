/** Orders knows a product by id (and, on an order's line, its SKU); everything else is the catalog's. */
export interface ProductReference {
  id: string;
  sku?: string;
}
