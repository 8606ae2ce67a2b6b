import type { Money } from '../format/money.ts';
import type { PlaceOrderInput } from '../generated/graphql.ts';

/** A product as the picker shows it: the catalog's name, SKU and price. */
export interface PickedProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
}

/** One line of the items editor: the product picked (none yet) and the quantity as typed. */
export interface ItemRow {
  readonly key: string;
  readonly product: PickedProduct | null;
  readonly quantity: string;
}

export const MAX_ITEMS = 50;

export const emptyRow = (): ItemRow => ({ key: crypto.randomUUID(), product: null, quantity: '1' });

/** The order's currency: the first picked product's (every product is sold in one currency). */
export const currencyOf = (rows: readonly ItemRow[]): string | null =>
  rows.find((row) => row.product)?.product?.price.currency ?? null;

/** A line's quantity as a whole number from 1 to 1000, or null. */
export function quantityOf(row: ItemRow): number | null {
  const quantity = Number(row.quantity);
  return /^\d+$/.test(row.quantity.trim()) && quantity >= 1 && quantity <= 1000 ? quantity : null;
}

/** What the lines cost at the catalog's prices, in the order's currency: a preview, the server totals. */
export function estimateOf(rows: readonly ItemRow[]): Money | null {
  const currency = currencyOf(rows);
  if (!currency) return null;
  const amount = rows.reduce((sum, row) => {
    const quantity = quantityOf(row);
    return row.product?.price.currency === currency && quantity
      ? sum + row.product.price.amount * quantity
      : sum;
  }, 0);
  return { amount, currency };
}

/**
 * The order as the orders service will take it, or an error per field named as the service names them
 * (`items.0.productId`): the same rules, checked before a request is sent. One currency per order: a line
 * whose product is sold in another is refused here. The service checks again.
 */
export function validateOrder(
  rows: readonly ItemRow[],
): { input: PlaceOrderInput; errors?: undefined } | { input?: undefined; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (rows.length === 0) errors['items'] = 'Add at least one item.';
  if (rows.length > MAX_ITEMS) errors['items'] = `An order can have at most ${MAX_ITEMS} items.`;
  const currency = currencyOf(rows);
  const items = rows.map((row, index) => {
    const at = (field: string) => `items.${index}.${field}`;
    if (!row.product) errors[at('productId')] = 'Choose a product.';
    else if (row.product.price.currency !== currency)
      errors[at('productId')] =
        `${row.product.name} is sold in ${row.product.price.currency}, and this order is in ${currency}: ` +
        `one order has one currency, so order it separately.`;
    const quantity = quantityOf(row);
    if (quantity === null) errors[at('quantity')] = 'A whole number from 1 to 1000.';
    return { productId: row.product?.id ?? '', quantity: quantity ?? 0 };
  });
  return Object.keys(errors).length > 0 || !currency ? { errors } : { input: { currency, items } };
}
