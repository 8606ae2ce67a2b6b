import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { rowCounts, oneLine } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { PlaceOrderDocument, type OrderItemInput, type PlaceOrderInput } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'place_validation');
});
afterAll(async () => {
  await h?.close();
});

const item = (overrides: Partial<OrderItemInput> = {}): OrderItemInput => ({
  sku: 'SKU-1',
  name: 'Thing',
  quantity: 1,
  unitPrice: 100,
  ...overrides,
});
const lines = (count: number): OrderItemInput[] =>
  Array.from({ length: count }, (_, i) => item({ sku: `SKU-${i}` }));

const CURRENCY_MESSAGE = 'currency must be a 3-letter ISO-4217 code, like USD or EUR';
const TOTAL_MESSAGE = 'the order total must be at most 2147483647 minor units';

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
    behaviour: 'a negative unitPrice',
    input: oneLine({ unitPrice: -1 }),
    field: 'items.0.unitPrice',
    message: 'unitPrice must be 0 or more (in minor units)',
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
    behaviour: 'an empty sku',
    input: oneLine({ sku: '' }),
    field: 'items.0.sku',
    message: 'sku must not be empty',
  },
  {
    behaviour: 'a sku of only spaces',
    input: oneLine({ sku: '   ' }),
    field: 'items.0.sku',
    message: 'sku must not be empty',
  },
  {
    behaviour: 'a sku of 65 characters',
    input: oneLine({ sku: 'S'.repeat(65) }),
    field: 'items.0.sku',
    message: 'sku must be at most 64 characters',
  },
  {
    behaviour: 'an empty name',
    input: oneLine({ name: ' ' }),
    field: 'items.0.name',
    message: 'name must not be empty',
  },
  {
    behaviour: 'a name of 201 characters',
    input: oneLine({ name: 'N'.repeat(201) }),
    field: 'items.0.name',
    message: 'name must be at most 200 characters',
  },
  {
    behaviour: 'a total above 2147483647 (2 lines of 1000 × 2147483)',
    input: {
      currency: 'USD',
      items: [item({ quantity: 1000, unitPrice: 2_147_483 }), item({ quantity: 1000, unitPrice: 2_147_483 })],
    },
    field: 'items',
    message: TOTAL_MESSAGE,
  },
  {
    behaviour: 'a single line whose subtotal is above 2147483647',
    input: oneLine({ quantity: 2, unitPrice: 2_147_483_647 }),
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

  it.each([
    { behaviour: 'a NUL character in the sku', input: oneLine({ sku: 'SKU\u0000' }), field: 'items.0.sku' },
    {
      behaviour: 'a NUL character in the name',
      input: oneLine({ name: 'Thing\u0000' }),
      field: 'items.0.name',
    },
  ])(
    '$behaviour (which PostgreSQL text cannot store) → BAD_USER_INPUT on $field',
    async ({ input, field }) => {
      const before = await rowCounts(h.database);

      const res = await h.call(PlaceOrderDocument, { input }, GRACE);

      expect(res.body.data).toBeNull();
      expect(errorsOf(res)).toEqual([
        { message: expect.any(String), path: ['placeOrder'], extensions: { code: 'BAD_USER_INPUT', field } },
      ]);
      expect(await rowCounts(h.database)).toEqual(before);
    },
  );

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
