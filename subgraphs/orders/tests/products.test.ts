import { demoProduct } from '@supergraph/demo-data';
import { ADA, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderItems } from '../src/db/schema.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { DEMO_ORDERS, KEYBOARD, UNKNOWN_PRODUCT } from './fixtures.ts';
import { OrderItemProductsDocument, ProductOrderCountsDocument } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'products');
});
afterAll(async () => {
  await h?.close();
});

const productRef = (id: string) => ({ __typename: 'Product', id });

describe('OrderItem.product', () => {
  it('refers to the catalog’s product by id and provides its SKU from the line, with no catalog fetch needed', async () => {
    const res = await h.call(OrderItemProductsDocument, { id: DEMO_ORDERS.graceShipped }, GRACE);

    expect(res.body).toEqual({
      data: {
        order: {
          items: ['BOOK-COBOL', 'MUG-BUG'].map((sku) => {
            const product = demoProduct(sku as 'BOOK-COBOL' | 'MUG-BUG');
            return {
              sku,
              name: product.name,
              unitPrice: { amount: product.price },
              product: { id: product.id, sku },
            };
          }),
        },
      },
    });
  });

  it('is null on a line stored without a product (placed before orders were placed by product)', async () => {
    await h.database.db
      .update(orderItems)
      .set({ productId: null })
      .where(eq(orderItems.orderId, DEMO_ORDERS.alanPending));

    const res = await h.call(OrderItemProductsDocument, { id: DEMO_ORDERS.alanPending }, ADA);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.order!.items.map((item) => item.product)).toEqual([null, null]);
  });
});

describe('Product.orderCount', () => {
  it('counts the orders with a line of each product, cancelled ones not counted, for many products in one SQL statement', async () => {
    h.counter.reset();
    const res = await h.call(
      ProductOrderCountsDocument,
      {
        representations: [
          demoProduct('BOOK-COBOL').id,
          KEYBOARD.id,
          demoProduct('SLIDE-RULE').id, // only in katherine's CANCELLED order
          UNKNOWN_PRODUCT,
          'not-a-uuid',
        ].map(productRef),
      },
      ADA,
    );

    expect(res.body).toEqual({
      data: {
        _entities: [
          { __typename: 'Product', id: demoProduct('BOOK-COBOL').id, orderCount: 1 },
          { __typename: 'Product', id: KEYBOARD.id, orderCount: 1 },
          { __typename: 'Product', id: demoProduct('SLIDE-RULE').id, orderCount: 0 },
          { __typename: 'Product', id: UNKNOWN_PRODUCT, orderCount: 0 },
          { __typename: 'Product', id: 'not-a-uuid', orderCount: 0 },
        ],
      },
    });
    expect(h.counter.count).toBe(1);
  });

  it('is refused to a customer with FORBIDDEN, without a query, even when the gateway is bypassed', async () => {
    h.counter.reset();
    const res = await h.call(
      ProductOrderCountsDocument,
      { representations: [productRef(KEYBOARD.id), productRef(demoProduct('BOOK-COBOL').id)] },
      GRACE,
    );

    expect(res.body.data).toEqual({ _entities: [null, null] });
    expect(res.body.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(h.counter.count).toBe(0);
  });
});
