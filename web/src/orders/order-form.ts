import { minorUnitsOf } from '../format/money.ts';
import type { PlaceOrderInput } from '../generated/graphql.ts';

/** One line of the items editor, as typed. */
export interface ItemRow {
  readonly key: string;
  readonly sku: string;
  readonly name: string;
  readonly quantity: string;
  readonly unitPrice: string;
}

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'] as const;
export const MAX_ITEMS = 50;

export const emptyRow = (): ItemRow => ({
  key: crypto.randomUUID(),
  sku: '',
  name: '',
  quantity: '1',
  unitPrice: '',
});

/**
 * The order as the orders service will take it, or an error per field named as the service names them
 * (`items.0.quantity`): the same rules, checked before a request is sent. The service checks again.
 */
export function validateOrder(
  currency: string,
  rows: readonly ItemRow[],
): { input: PlaceOrderInput; errors?: undefined } | { input?: undefined; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (rows.length === 0) errors['items'] = 'Add at least one item.';
  if (rows.length > MAX_ITEMS) errors['items'] = `An order can have at most ${MAX_ITEMS} items.`;
  const items = rows.map((row, index) => {
    const at = (field: string) => `items.${index}.${field}`;
    const sku = row.sku.trim();
    const name = row.name.trim();
    if (sku.length === 0) errors[at('sku')] = 'Enter the SKU.';
    else if (sku.length > 64) errors[at('sku')] = 'At most 64 characters.';
    if (name.length === 0) errors[at('name')] = 'Enter the product name.';
    else if (name.length > 200) errors[at('name')] = 'At most 200 characters.';
    const quantity = Number(row.quantity);
    if (!/^\d+$/.test(row.quantity.trim()) || quantity < 1 || quantity > 1000)
      errors[at('quantity')] = 'A whole number from 1 to 1000.';
    const unitPrice = minorUnitsOf(row.unitPrice, currency);
    if (unitPrice === null) errors[at('unitPrice')] = `A price in ${currency}, like ${example(currency)}.`;
    return { sku, name, quantity, unitPrice: unitPrice ?? 0 };
  });
  return Object.keys(errors).length > 0 ? { errors } : { input: { currency, items } };
}

const example = (currency: string) => (minorUnitsOf('1.5', currency) === null ? '150' : '12.50');
