import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { FLOPPY, KEYBOARD, learnProduct, oneLine, PEN, rowCounts, UNKNOWN_PRODUCT } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { PlaceOrderDocument, type OrderItemInput, type PlaceOrderInput } from './generated/operations.ts';

/** Products of extreme prices, told to orders before the tests (as catalog's events would). */
const PRICEY = randomUUID(); // 2 147 483 USD
const PRICIEST = randomUUID(); // 2 147 483 647 USD

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'place_validation');
  await learnProduct(h.database, { productId: PRICEY, priceAmount: 2_147_483 });
  await learnProduct(h.database, { productId: PRICIEST, priceAmount: 2_147_483_647 });
});
afterAll(async () => {
  await h?.close();
});

const item = (overrides: Partial<OrderItemInput> = {}): OrderItemInput => ({
  productId: PEN.id,
  quantity: 1,
  ...overrides,
});
const lines = (count: number): OrderItemInput[] => Array.from({ length: count }, () => item());

const CURRENCY_MESSAGE = 'currency must be a 3-letter ISO-4217 code, like USD or EUR';
const TOTAL_MESSAGE = 'the order total must be at most 2147483647 minor units';
const PRODUCT_ID_MESSAGE = 'productId must be a product id (a UUID)';

interface Case {
  behaviour: string;
  input: PlaceOrderInput;
  field: string;
  message: string;
}

const cases: Case[] = [
  {
    behaviour: 'an order without items',
    input: { currency: 'USD', items: [] },
    field: 'items',
    message: 'an order needs at least 1 item',
  },
  {
    behaviour: 'an order with 51 items',
    input: { currency: 'USD', items: lines(51) },
    field: 'items',
    message: 'an order can have at most 50 items',
  },
  {
    behaviour: 'a quantity of 0',
    input: oneLine({ quantity: 0 }),
    field: 'items.0.quantity',
    message: 'quantity must be at least 1',
  },
  {
    behaviour: 'a negative quantity',
    input: oneLine({ quantity: -3 }),
    field: 'items.0.quantity',
    message: 'quantity must be at least 1',
  },
  {
    behaviour: 'a quantity of 1001',
    input: oneLine({ quantity: 1001 }),
    field: 'items.0.quantity',
    message: 'quantity must be at most 1000',
  },
  {
    behaviour: 'a quantity of 1001 on the second line (the field names that line)',
    input: { currency: 'USD', items: [item(), item({ quantity: 1001 })] },
    field: 'items.1.quantity',
    message: 'quantity must be at most 1000',
  },
  {
    behaviour: "currency 'US' (two letters)",
    input: { currency: 'US', items: [item()] },
    field: 'currency',
    message: CURRENCY_MESSAGE,
  },
  {
    behaviour: "currency 'XYZ' (three letters, not ISO-4217)",
    input: { currency: 'XYZ', items: [item()] },
    field: 'currency',
    message: CURRENCY_MESSAGE,
  },
  {
    behaviour: "currency 'USDD'",
    input: { currency: 'USDD', items: [item()] },
    field: 'currency',
    message: CURRENCY_MESSAGE,
  },
  {
    behaviour: 'an empty currency',
    input: { currency: '', items: [item()] },
    field: 'currency',
    message: CURRENCY_MESSAGE,
  },
  {
    behaviour: 'an empty productId',
    input: oneLine({ productId: '' }),
    field: 'items.0.productId',
    message: PRODUCT_ID_MESSAGE,
  },
  {
    behaviour: 'a productId that is not a uuid, on the second line',
    input: { currency: 'USD', items: [item(), item({ productId: 'PEN-RED' })] },
    field: 'items.1.productId',
    message: PRODUCT_ID_MESSAGE,
  },
  {
    behaviour: 'a productId that is a NUL character',
    input: oneLine({ productId: '\u0000' }),
    field: 'items.0.productId',
    message: PRODUCT_ID_MESSAGE,
  },
  {
    behaviour: 'a product no one ever told orders about (unknown, or not yet known)',
    input: { currency: 'USD', items: [item(), item({ productId: UNKNOWN_PRODUCT })] },
    field: 'items.1.productId',
    message: `items[1]: product ${UNKNOWN_PRODUCT} is not for sale (unknown product).`,
  },
  {
    behaviour: 'an archived product',
    input: oneLine({ productId: FLOPPY.id }),
    field: 'items.0.productId',
    message: `items[0]: product ${FLOPPY.id} (FLOPPY-8IN) is archived and can no longer be ordered.`,
  },
  {
    behaviour: 'a product sold in another currency than the order',
    input: { currency: 'USD', items: [item(), item({ productId: KEYBOARD.id })] },
    field: 'items.1.productId',
    message: `items[1]: product ${KEYBOARD.id} (KB-MECH) is sold in EUR, not USD; place it in an order in EUR.`,
  },
  {
    behaviour: 'a total above 2147483647 (2 lines of 1000 × 2147483)',
    input: {
      currency: 'USD',
      items: [item({ productId: PRICEY, quantity: 1000 }), item({ productId: PRICEY, quantity: 1000 })],
    },
    field: 'items',
    message: TOTAL_MESSAGE,
  },
  {
    behaviour: 'a single line whose subtotal is above 2147483647',
    input: oneLine({ productId: PRICIEST, quantity: 2 }),
    field: 'items',
    message: TOTAL_MESSAGE,
  },
];

describe('placeOrder rejects invalid input with BAD_USER_INPUT naming the field, and writes nothing', () => {
  it.each(cases)('$behaviour → BAD_USER_INPUT on $field', async ({ input, field, message }) => {
    const before = await rowCounts(h.database);

    const res = await h.call(PlaceOrderDocument, { input }, GRACE);

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      { message, path: ['placeOrder'], extensions: { code: 'BAD_USER_INPUT', field } },
    ]);
    expect(await rowCounts(h.database)).toEqual(before);
  });

  it('has no way to send a price, a name or a SKU: such a field is a GraphQL validation error and places nothing', async () => {
    const before = await rowCounts(h.database);

    const res = await h.call(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      { input: { currency: 'USD', items: [{ productId: PEN.id, quantity: 1, unitPrice: 1 }] } },
      GRACE,
    );

    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([
      {
        message: expect.stringContaining('Field "unitPrice" is not defined by type "OrderItemInput"'),
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    expect(await rowCounts(h.database)).toEqual(before);
  });

  it('refuses an anonymous caller with UNAUTHENTICATED (in an HTTP 200 response) and writes nothing', async () => {
    const before = await rowCounts(h.database);

    const res = await h.call(PlaceOrderDocument, { input: oneLine() }, ANONYMOUS);

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: 'You must be logged in to do this.',
        path: ['placeOrder'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
    expect(await rowCounts(h.database)).toEqual(before);
  });

  it('still places a valid order after all those failures (the counts move by exactly one order and its items)', async () => {
    const before = await rowCounts(h.database);

    const res = await h.call(PlaceOrderDocument, { input: { currency: 'USD', items: lines(3) } }, GRACE);

    expect(res.body.errors).toBeUndefined();
    expect(await rowCounts(h.database)).toEqual({ orders: before.orders + 1, items: before.items + 3 });
  });
});
