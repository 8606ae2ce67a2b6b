import { demoProduct } from '@supergraph/demo-data';
import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeleteMeDocument,
  OrderDocument,
  PlaceOrderDocument,
  SignUpDocument,
  type PlaceOrderMutationVariables,
} from '../src/generated/operations.ts';
import { startStack, type Stack } from './stack.ts';

/**
 * Events between the services through a real RabbitMQ: users publishes user.deleted from its outbox, orders
 * consumes it and cancels the user's pending orders, and the gateway keeps answering for the orders of a
 * user who no longer exists.
 */
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('e2e');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('events', { events: { amqpUrl, prefix } });
});
afterAll(async () => {
  await stack?.close();
  await deleteTopology(amqpUrl, prefix, ['orders']);
});

const ORDER: PlaceOrderMutationVariables = {
  input: { currency: 'USD', items: [{ productId: demoProduct('PEN-RED').id, quantity: 2 }] },
};

describe('deleting an account, across the services', () => {
  it('cancels the user’s pending order, keeps the order readable with a tombstone user, and refuses new orders', async () => {
    const signUp = await stack.request(SignUpDocument, {
      input: { email: 'leaving@example.com', name: 'Leaving Soon', password: 'a long enough password' },
    });
    expect(signUp.body.errors).toBeUndefined();
    const token = signUp.body.data!.signUp.token;

    const placed = await stack.request(PlaceOrderDocument, ORDER, token);
    expect(placed.body.errors).toBeUndefined();
    const orderId = placed.body.data!.placeOrder.id;
    expect(placed.body.data!.placeOrder.status).toBe('PENDING');

    const deleted = await stack.request(DeleteMeDocument, {}, token);
    expect(deleted.body).toEqual({ data: { deleteMe: true } });

    const admin = await stack.logIn('ada@example.com');
    // Eventually consistent: the deletion travels users' outbox → relay → RabbitMQ → orders' consumer.
    const order = await eventually(
      async () => {
        const res = await stack.request(OrderDocument, { id: orderId }, admin);
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data!.order?.status).toBe('CANCELLED');
        return res.body;
      },
      { timeoutMs: 15_000 },
    );
    expect(order).toEqual({
      data: { order: { id: orderId, status: 'CANCELLED', user: { name: 'Deleted user' } } },
    });

    // The access token is still valid (it expires on its own), but the account is gone.
    const refused = await stack.request(PlaceOrderDocument, ORDER, token);
    expect(refused.body.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect(refused.body.data).toBeNull();
  });

  it('leaves other users and their orders alone', async () => {
    const grace = await stack.logIn('grace@example.com');
    const placed = await stack.request(PlaceOrderDocument, ORDER, grace);
    expect(placed.body.errors).toBeUndefined();
    expect(placed.body.data!.placeOrder.status).toBe('PENDING');
  });
});
