import { demoProduct } from '@supergraph/demo-data';
import { randomUUID } from 'node:crypto';
import { graphql } from '@supergraph/testing';
import { orders } from '@supergraph/orders/db-schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/** The Idempotency-Key header from a client, through the gateway, to the subgraph's mutation. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('idempotency');
});
afterAll(async () => {
  await stack?.close();
});

const PLACE_ORDER = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status total { amount } } }`;
const INPUT = { currency: 'EUR', items: [{ productId: demoProduct('CABLE-USBC').id, quantity: 3 }] };

describe('Idempotency-Key through the gateway', () => {
  it('a retried placeOrder reaches orders again and answers the first order, placing one', async () => {
    const token = await stack.logIn('grace@example.com');
    const key = randomUUID();
    const send = () =>
      graphql<{ placeOrder: { id: string } }>(
        stack.gatewayUrl,
        PLACE_ORDER,
        { input: INPUT },
        {
          authorization: `Bearer ${token}`,
          'idempotency-key': key,
        },
      );
    const hitsBefore = stack.hits.orders;

    const first = await send();
    const retry = await send();

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(stack.hits.orders - hitsBefore).toBe(2);
    // Grace's EUR 29.70 orders (3 USB-C cables): only the one the first call placed.
    const placed = await stack.databases.orders.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.totalAmount, 2_970), eq(orders.currency, 'EUR')));
    expect(placed).toEqual([{ id: first.body.data!.placeOrder.id }]);
  });
});
