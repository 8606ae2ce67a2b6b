import { demoProduct } from '@supergraph/demo-data';
import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArchiveProductDocument,
  CreateProductDocument,
  OrdersWithProductsDocument,
  PlaceOrderDocument,
  ProductDocument,
  ProductsDocument,
  UpdateProductDocument,
} from '../src/generated/operations.ts';
import { startStack, type Stack } from './stack.ts';

/**
 * Prices belong to the catalog: an admin changes them there, catalog publishes product.* through its outbox,
 * orders keeps its read model of products from those events and prices each new order from it. Through the
 * gateway, with every service and a real RabbitMQ.
 */
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('e2e_catalog');

let stack: Stack;
let admin: string;
let grace: string;
beforeAll(async () => {
  stack = await startStack('catalog', { events: { amqpUrl, prefix } });
  [admin, grace] = await Promise.all([stack.logIn('ada@example.com'), stack.logIn('grace@example.com')]);
});
afterAll(async () => {
  await stack?.close();
  await deleteTopology(amqpUrl, prefix, ['orders']);
});

/** A new product, created by the admin through the gateway. */
async function newProduct(sku: string, amount: number, currency = 'USD') {
  const created = await stack.request(
    CreateProductDocument,
    { input: { sku, name: `Product ${sku}`, price: { amount, currency } } },
    admin,
  );
  expect(created.body.errors).toBeUndefined();
  return created.body.data!.createProduct.id;
}

/** Orders one unit as grace, retrying until orders has learned the product (its event is on the way). */
const orderOne = (productId: string, currency = 'USD') =>
  stack.request(PlaceOrderDocument, { input: { currency, items: [{ productId, quantity: 1 }] } }, grace);

async function orderOnceKnown(productId: string, currency = 'USD') {
  return eventually(
    async () => {
      const placed = await orderOne(productId, currency);
      expect(placed.body.errors).toBeUndefined();
      return placed.body.data!.placeOrder;
    },
    { timeoutMs: 15_000 },
  );
}

describe('the catalogue through the gateway', () => {
  it('is public: anyone lists and reads products, with their prices', async () => {
    const list = await stack.request(ProductsDocument, { first: 2 });
    const one = await stack.request(ProductDocument, { id: demoProduct('KB-MECH').id });

    expect(list.body.errors).toBeUndefined();
    expect(list.body.data!.products.edges.map(({ node }) => node)).toEqual([
      {
        id: demoProduct('BOOK-COBOL').id,
        sku: 'BOOK-COBOL',
        name: 'COBOL for Beginners',
        price: { amount: 3999, currency: 'USD' },
      },
      {
        id: demoProduct('MUG-BUG').id,
        sku: 'MUG-BUG',
        name: 'First Bug mug',
        price: { amount: 1250, currency: 'USD' },
      },
    ]);
    expect(one.body.data?.product).toMatchObject({
      sku: 'KB-MECH',
      price: { amount: 12900, currency: 'EUR' },
      active: true,
    });
  });
});

describe('a price changed by an admin', () => {
  it('reaches orders through the events and applies to the next order, never to one already placed', async () => {
    const productId = await newProduct('E2E-LAMP', 2000);
    const first = await orderOnceKnown(productId);
    expect(first.total).toEqual({ amount: 2000, currency: 'USD' });

    const repriced = await stack.request(
      UpdateProductDocument,
      { id: productId, input: { price: { amount: 2600, currency: 'USD' }, name: 'Brighter lamp' } },
      admin,
    );
    expect(repriced.body.data?.updateProduct).toMatchObject({
      price: { amount: 2600 },
      name: 'Brighter lamp',
    });

    // product.updated travels catalog's outbox → relay → RabbitMQ → orders' read model.
    const next = await eventually(
      async () => {
        const placed = await orderOnceKnown(productId);
        expect(placed.total.amount).toBe(2600);
        return placed;
      },
      { timeoutMs: 15_000 },
    );
    expect(next.items).toEqual([{ sku: 'E2E-LAMP', quantity: 1, subtotal: { amount: 2600 } }]);

    // The first order keeps the price it was placed at; its product shows the catalogue's current name and price.
    const page = await stack.request(OrdersWithProductsDocument, { first: 100 }, admin);
    const line = page.body.data!.orders.edges.find(({ node }) => node.id === first.id)!.node.items[0];
    expect(line).toEqual({
      sku: 'E2E-LAMP',
      quantity: 1,
      unitPrice: { amount: 2000, currency: 'USD' },
      product: {
        id: productId,
        name: 'Brighter lamp',
        active: true,
        price: { amount: 2600, currency: 'USD' },
      },
    });
  });
});

describe('an archived product', () => {
  it('can no longer be ordered once orders learns of the archiving: BAD_USER_INPUT naming the line', async () => {
    const productId = await newProduct('E2E-FAX', 9900);
    await orderOnceKnown(productId);

    const archived = await stack.request(ArchiveProductDocument, { id: productId }, admin);
    expect(archived.body.data?.archiveProduct).toEqual({ id: productId, active: false });

    const refused = await eventually(
      async () => {
        const res = await orderOne(productId);
        expect(res.body.errors?.[0]?.extensions).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'items.0.productId',
          serviceName: 'orders',
        });
        return res;
      },
      { timeoutMs: 15_000 },
    );
    expect(refused.body.data).toBeNull();
    expect(refused.body.errors?.[0]?.message).toBe(
      `items[0]: product ${productId} (E2E-FAX) is archived and can no longer be ordered.`,
    );
  });
});

describe('a price from the client', () => {
  it('cannot be sent: PlaceOrderInput has no price, name or SKU, so the request fails validation and orders nothing', async () => {
    const before = await stack.request(OrdersWithProductsDocument, { first: 100 }, admin);

    const res = await stack.query(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id total { amount } } }',
      {
        input: {
          currency: 'USD',
          items: [{ productId: demoProduct('BOOK-COBOL').id, quantity: 1, unitPrice: 1 }],
        },
      },
      grace,
    );

    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([
      {
        message: expect.stringContaining('Field "unitPrice" is not defined by type "OrderItemInput"'),
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    const after = await stack.request(OrdersWithProductsDocument, { first: 100 }, admin);
    expect(after.body.data!.orders.edges).toHaveLength(before.body.data!.orders.edges.length);
  });

  it('is ignored even for a product sold in another currency: the line is refused, naming it', async () => {
    const res = await orderOne(demoProduct('KB-MECH').id, 'USD');

    expect(res.body.errors?.[0]).toMatchObject({
      message: `items[0]: product ${demoProduct('KB-MECH').id} (KB-MECH) is sold in EUR, not USD; place it in an order in EUR.`,
      extensions: { code: 'BAD_USER_INPUT', field: 'items.0.productId' },
    });
  });
});
