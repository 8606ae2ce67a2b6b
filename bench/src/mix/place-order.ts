/**
 * The one place that knows what `placeOrder` takes and what a placed order must look like. When the catalog
 * changes the input to `items: [{ productId, quantity }]`, this file (and only this file) changes: the input,
 * the selection, and the lines and total expected back.
 */

/** A line as the mix places it and as it must read back. */
export interface PlacedLine {
  sku: string;
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

/** The `seq`-th order the mix places: 1 to 3 lines, deterministic, distinct from every seeded sku. */
export function placedOrderSpec(seq: number): PlacedOrderSpec {
  const lines = Array.from({ length: 1 + (seq % 3) }, (_, position) => ({
    sku: `MIX-${seq}-${position}`,
    quantity: 1 + ((seq + position) % 5),
    unitPrice: 100 + ((seq * 53 + position * 17) % 9_000),
  }));
  return {
    currency: CURRENCIES[seq % CURRENCIES.length]!,
    lines,
    totalAmount: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
  };
}

/** The mutation's `input` variable for a spec. */
export const placeOrderInput = (spec: PlacedOrderSpec) => ({
  currency: spec.currency,
  items: spec.lines.map((line) => ({
    sku: line.sku,
    name: `Mix item ${line.sku}`,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
  })),
});

/** What the mix selects of a placed order (in its answer and when reading it back). */
export const PLACED_ORDER_SELECTION =
  'id status total { amount currency } items { sku quantity unitPrice { amount } }';

/** A placed order as selected above, id and status left to the caller. */
export const placedOrderShape = (spec: PlacedOrderSpec) => ({
  total: { amount: spec.totalAmount, currency: spec.currency },
  items: spec.lines.map((line) => ({
    sku: line.sku,
    quantity: line.quantity,
    unitPrice: { amount: line.unitPrice },
  })),
});
