import { describe, expect, it } from 'vitest';
import { buildDataset, FULL_DATASET, MIX_DATASET } from '../src/dataset.ts';
import { expectedData } from '../src/expected.ts';

describe('the dataset', () => {
  for (const [label, options] of [
    ['full', FULL_DATASET],
    ['mix', MIX_DATASET],
  ] as const) {
    it(`${label}: every line is a product of the catalogue, in the order’s currency, at its price and name`, () => {
      const dataset = buildDataset(options);
      const products = new Map(dataset.products.map((product) => [product.id, product]));
      expect(products.size).toBe(dataset.products.length);
      expect(new Set(dataset.products.map((product) => product.sku)).size).toBe(dataset.products.length);
      for (const order of dataset.orders) {
        expect(new Set(order.items.map((item) => item.productId)).size).toBe(order.items.length);
        for (const item of order.items) {
          const product = products.get(item.productId)!;
          expect(product.currency).toBe(order.currency);
          expect([item.sku, item.name, item.unitPrice]).toEqual([
            product.sku,
            product.name,
            product.priceAmount,
          ]);
        }
        expect(order.totalAmount).toBe(order.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0));
      }
    });
  }

  it('archives every tenth product at version 2, still on older orders’ lines', () => {
    const dataset = buildDataset(FULL_DATASET);
    const archived = dataset.products.filter((product) => !product.active);
    expect(archived).toHaveLength(dataset.products.length / 10);
    expect(archived.every((product) => product.version === 2)).toBe(true);
    expect(dataset.products.filter((p) => p.active).every((product) => product.version === 1)).toBe(true);
    const ordered = new Set(dataset.orders.flatMap((order) => order.items.map((item) => item.productId)));
    expect(archived.some((product) => ordered.has(product.id))).toBe(true);
  });

  it('is the same in every process that builds it', () => {
    expect(JSON.stringify(buildDataset(FULL_DATASET))).toBe(JSON.stringify(buildDataset(FULL_DATASET)));
  });
});

describe('O5’s expected answer', () => {
  const dataset = buildDataset(FULL_DATASET);
  type O5 = {
    orders: {
      edges: {
        node: {
          items: {
            sku: string;
            unitPrice: { amount: number; currency: string };
            product: { id: string; price: { amount: number; currency: string } };
          }[];
        };
      }[];
    };
  };

  it('lists the newest N orders with each line’s product as the catalog holds it', () => {
    for (const n of [1, 10, 100]) {
      const { orders } = expectedData('O5', n, dataset) as O5;
      expect(orders.edges).toHaveLength(n);
      for (const { node } of orders.edges)
        for (const item of node.items) expect(item.product.price).toEqual(item.unitPrice);
    }
    const lines = (expectedData('O5', 100, dataset) as O5).orders.edges.flatMap(({ node }) => node.items);
    // 100 orders reach well over one batch's worth of distinct products: the catalog's lookup must batch them.
    expect(new Set(lines.map((line) => line.product.id)).size).toBeGreaterThan(100);
  });
});
