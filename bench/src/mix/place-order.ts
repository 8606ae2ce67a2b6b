/**
 * The one place that knows what `placeOrder` takes and what a placed order must look like: the client names
 * products (`items: [{ productId, quantity }]`); orders takes each line's SKU, name and price from its read
 * model of the catalog (seeded with the dataset's products), never from the client.
 */
import type { DatasetProduct } from '../dataset.ts';

/** A line as the mix places it and as it must read back: the product's SKU, name and price. */
export interface PlacedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export interface PlacedOrderSpec {
  currency: string;
  lines: PlacedLine[];
  /** Σ quantity × unitPrice: what the server must compute. */
  totalAmount: number;
}

const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;

/**
 * The `seq`-th order the mix places: 1 to 3 lines of distinct products on sale in the order's currency
 * (`listed`: the active products), deterministic.
 */
export function placedOrderSpec(seq: number, listed: readonly DatasetProduct[]): PlacedOrderSpec {
  const currency = CURRENCIES[seq % CURRENCIES.length]!;
  const sold = listed.filter((product) => product.active && product.currency === currency);
  const count = 1 + (seq % 3);
  if (sold.length < count) throw new Error(`the mix needs ${count} products on sale in ${currency}`);
  const lines = Array.from({ length: count }, (_, position) => {
    const product = sold[(seq * 5 + position) % sold.length]!;
    return {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      quantity: 1 + ((seq + position) % 5),
      unitPrice: product.priceAmount,
    };
  });
  return {
    currency,
    lines,
    totalAmount: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
  };
}

/** The mutation's `input` variable for a spec. */
export const placeOrderInput = (spec: PlacedOrderSpec) => ({
  currency: spec.currency,
  items: spec.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
});

/** What the mix selects of a placed order's lines (in its answer and when reading it back). */
export const PLACED_ITEMS_SELECTION = 'items { sku name quantity unitPrice { amount } product { id } }';

/** What the mix selects of a placed order. */
export const PLACED_ORDER_SELECTION = `id status total { amount currency } ${PLACED_ITEMS_SELECTION}`;

/** A placed line as selected above. */
export interface PlacedItem {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: { amount: number };
  product: { id: string };
}

/** A placed order as selected above, id and status left to the caller. */
export const placedOrderShape = (
  spec: PlacedOrderSpec,
): { total: { amount: number; currency: string }; items: PlacedItem[] } => ({
  total: { amount: spec.totalAmount, currency: spec.currency },
  items: spec.lines.map((line) => ({
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unitPrice: { amount: line.unitPrice },
    product: { id: line.productId },
  })),
});
