import { MAX_AMOUNT } from '@supergraph/service-kit/validation';
import type { KnownProductRow } from '../db/schema.ts';

/** One line as the customer asked for it: which product, how many. */
export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** One line as it is stored: the product's SKU, name and price at this moment, never the client's. */
export interface PricedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export type Pricing =
  | { kind: 'priced'; lines: PricedLine[]; totalAmount: number }
  | { kind: 'refused'; field: string; message: string };

/**
 * Prices an order from the read model of the catalog: each line takes its product's current SKU, name and
 * price. Refused, naming the first line at fault: a product orders does not know (unknown to the catalog, or
 * not yet learned from its events), an archived one, or one sold in another currency than the order's.
 */
export function priceOrder(
  currency: string,
  requested: readonly RequestedLine[],
  known: ReadonlyMap<string, KnownProductRow>,
): Pricing {
  const lines: PricedLine[] = [];
  for (const [index, line] of requested.entries()) {
    const field = `items.${index}.productId`;
    const product = known.get(line.productId);
    if (!product) {
      return {
        kind: 'refused',
        field,
        message: `items[${index}]: product ${line.productId} is not for sale (unknown product).`,
      };
    }
    if (!product.active) {
      return {
        kind: 'refused',
        field,
        message: `items[${index}]: product ${line.productId} (${product.sku}) is archived and can no longer be ordered.`,
      };
    }
    if (product.currency !== currency) {
      return {
        kind: 'refused',
        field,
        message: `items[${index}]: product ${line.productId} (${product.sku}) is sold in ${product.currency}, not ${currency}; place it in an order in ${product.currency}.`,
      };
    }
    lines.push({
      productId: product.productId,
      sku: product.sku,
      name: product.name,
      quantity: line.quantity,
      unitPrice: product.unitPrice,
    });
  }
  const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  if (totalAmount > MAX_AMOUNT) {
    return {
      kind: 'refused',
      field: 'items',
      message: `the order total must be at most ${MAX_AMOUNT} minor units`,
    };
  }
  return { kind: 'priced', lines, totalAmount };
}
