import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { print } from 'graphql';
import { demoProduct } from '@supergraph/demo-data';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MyOrdersDocument,
  OrderDocument,
  OrdersDocument,
  PlaceOrderDocument,
  SignUpDocument,
  UserDocument,
  UserOrdersDocument,
  UsersDocument,
} from '../src/generated/operations.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('journey');
});
afterAll(async () => {
  await stack?.close();
});

const GRACE_ID = '00000000-0000-4000-8000-000000000002';

describe('a customer journey through the gateway', () => {
  it('signs up, logs in, places an order and reads it back across both services', async () => {
    const signUp = await stack.request(SignUpDocument, {
      input: { email: 'Margaret@Example.com', name: 'Margaret Hamilton', password: 'apollo-11-guidance' },
    });
    expect(signUp.body.errors).toBeUndefined();
    expect(signUp.body.data?.signUp.user).toMatchObject({
      name: 'Margaret Hamilton',
      email: 'margaret@example.com',
      role: 'CUSTOMER',
    });

    const token = await stack.logIn('margaret@example.com', 'apollo-11-guidance');
    const placed = await stack.request(
      PlaceOrderDocument,
      {
        input: {
          currency: 'USD',
          items: [
            { productId: demoProduct('BOOK-COBOL').id, quantity: 2 },
            { productId: demoProduct('MUG-BUG').id, quantity: 1 },
          ],
        },
      },
      token,
    );
    expect(placed.body).toEqual({
      data: {
        placeOrder: {
          id: expect.any(String),
          status: 'PENDING',
          total: { amount: 9248, currency: 'USD' },
          items: [
            { sku: 'BOOK-COBOL', quantity: 2, subtotal: { amount: 7998 } },
            { sku: 'MUG-BUG', quantity: 1, subtotal: { amount: 1250 } },
          ],
        },
      },
    });

    const placedId = placed.body.data!.placeOrder.id;

    const mine = await stack.request(MyOrdersDocument, {}, token);
    expect(mine.body).toEqual({
      data: {
        me: {
          name: 'Margaret Hamilton',
          orders: {
            edges: [
              {
                node: {
                  id: placedId,
                  status: 'PENDING',
                  total: { amount: 9248, currency: 'USD' },
                  user: { name: 'Margaret Hamilton' },
                },
              },
            ],
            pageInfo: { hasNextPage: false },
          },
        },
      },
    });
  });

  it("refuses a customer another customer's order, and lets an admin read it", async () => {
    const graceOrder = '10000000-0000-4000-8000-000000000001';

    const alan = await stack.logIn('alan@example.com');
    const denied = await stack.request(OrderDocument, { id: graceOrder }, alan);
    expect(denied.body.data).toEqual({ order: null });
    expect(denied.body.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
      [['order'], 'FORBIDDEN'],
    ]);

    const ada = await stack.logIn('ada@example.com');
    const allowed = await stack.request(OrderDocument, { id: graceOrder }, ada);
    expect(allowed.body).toEqual({
      data: { order: { id: graceOrder, status: 'SHIPPED', user: { name: 'Grace Hopper' } } },
    });
  });

  it("hides another user's email but not their name", async () => {
    const alan = await stack.logIn('alan@example.com');
    const response = await stack.request(UserDocument, { id: GRACE_ID }, alan);
    expect(response.body.data).toEqual({ user: { name: 'Grace Hopper', email: null } });
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(response.body.errors?.[0]?.path).toEqual(['user', 'email']);
  });

  it('answers response names that are JavaScript property names (__proto__, constructor) as plain fields', async () => {
    // The gateway rebuilds every answer (router/src/result-shaping/) in objects that inherit nothing: an alias
    // named __proto__ must be a field of the answer, not a prototype, also across the entity hop. The spy on the
    // function Apollo's executeQueryPlan calls proves the gateway (in this process) really shaped it that way.
    const apolloShapingModule = createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as {
      computeResponse: (args: never) => { data: object | null };
    };
    const shaping = vi.spyOn(apolloShapingModule, 'computeResponse');
    try {
      const grace = await stack.logIn('grace@example.com');
      shaping.mockClear(); // the log-in was shaped too
      const response = await stack.query(
        `{ me { __proto__: name constructor: id orders(first: 1) { edges { node { toString: status user { hasOwnProperty: name } } } } } }`,
        {},
        grace,
      );
      expect(response.body.errors).toBeUndefined();
      const me = (response.body.data as Record<string, Record<string, unknown>>)['me']!;
      expect(Object.keys(me)).toEqual(['__proto__', 'constructor', 'orders']);
      expect(Object.getOwnPropertyDescriptor(me, '__proto__')?.value).toBe('Grace Hopper');
      expect(me['constructor']).toBe(GRACE_ID);
      expect(JSON.stringify(me['orders'])).toBe(
        '{"edges":[{"node":{"toString":"PENDING","user":{"hasOwnProperty":"Grace Hopper"}}}]}',
      );

      expect(shaping).toHaveBeenCalledTimes(1);
      const { data } = shaping.mock.results[0]!.value as { data: object };
      // Lean shaping's objects: a prototype that itself has none (Apollo's own are Object.create(null)).
      expect(Object.getPrototypeOf(data)).not.toBeNull();
      expect(Object.getPrototypeOf(Object.getPrototypeOf(data) as object)).toBeNull();
    } finally {
      shaping.mockRestore();
    }
  });

  it('refuses User.orders of someone else, across the entity hop', async () => {
    const alan = await stack.logIn('alan@example.com');
    const response = await stack.request(UserOrdersDocument, { id: GRACE_ID }, alan);
    expect(response.body.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect(response.body.errors?.[0]?.path).toEqual(['user', 'orders']);
  });
});

describe('errors a client can act on', () => {
  it('rejects an invalid or expired token with 401 UNAUTHENTICATED', async () => {
    const response = await stack.request(MyOrdersDocument, {}, 'not-a-jwt');
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('requires a login for orders: the gateway removes the field before any subgraph is asked', async () => {
    const response = await stack.request(OrdersDocument, {});
    // Query.orders carries @requiresScopes (docs/authorization.md); the subgraph's own check stays behind it.
    expect(response.body.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
      [['orders'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });

  it('names the invalid field of a sign-up', async () => {
    const response = await stack.request(SignUpDocument, {
      input: { email: 'short@example.com', name: 'Short', password: 'short' },
    });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'password',
    });
  });

  it('names the invalid field of an order and writes nothing', async () => {
    const grace = await stack.logIn('grace@example.com');
    const before = await stack.request(OrdersDocument, { first: 100 }, grace);
    const response = await stack.request(
      PlaceOrderDocument,
      { input: { currency: 'USD', items: [{ productId: demoProduct('PEN-RED').id, quantity: 0 }] } },
      grace,
    );
    expect(response.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'items.0.quantity',
    });
    const after = await stack.request(OrdersDocument, { first: 100 }, grace);
    expect(after.body.data?.orders.edges.map(({ node }) => node.id)).toEqual(
      before.body.data!.orders.edges.map(({ node }) => node.id),
    );
  });

  it('caps page sizes at 100', async () => {
    const ada = await stack.logIn('ada@example.com');
    const response = await stack.request(UsersDocument, { first: 101 }, ada);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('never shows a stack trace', async () => {
    const grace = await stack.logIn('grace@example.com');
    const response = await stack.request(OrdersDocument, { after: 'garbage' }, grace);
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(response.body)).not.toMatch(/stacktrace|\.ts:\d+/);
  });
});

describe('the trust boundary', () => {
  it('refuses a client that calls a subgraph directly with a forged identity', async () => {
    const response = await fetch(stack.ordersUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-user-id': '00000000-0000-4000-8000-000000000001',
        'x-user-role': 'ADMIN',
      },
      body: JSON.stringify({ query: print(OrdersDocument) }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });
});

describe('the README example', () => {
  it('answers exactly as the README shows, to the request the README sends', async () => {
    // Read from README.md itself, so what a reader pastes is what runs and what they see is what it answers.
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const body = /-d '(\{"query":"query MyOrders[^']*)'/.exec(readme)?.[1];
    const answer = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(body, 'the README sends MyOrders with curl').toBeDefined();
    expect(answer, 'the README shows the answer as JSON').toBeDefined();
    const { query } = JSON.parse(body!) as { query: string };

    const grace = await stack.logIn('grace@example.com');
    const response = await stack.query(query, {}, grace);
    expect(response.body).toEqual(JSON.parse(answer!));
  });

  it('places the order the README places, at the catalogue’s price, and answers as the README shows', async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const body = /-d '(\{"query":"mutation PlaceOrder[^']*)'/.exec(readme)?.[1];
    const answer = [...readme.matchAll(/```json\n([\s\S]*?)\n```/g)][1]?.[1];
    expect(body, 'the README sends PlaceOrder with curl').toBeDefined();
    expect(answer, 'the README shows its answer as JSON, second').toBeDefined();
    const { query } = JSON.parse(body!) as { query: string };

    const grace = await stack.logIn('grace@example.com');
    const response = await stack.query(query, {}, grace);
    expect(response.body).toEqual(JSON.parse(answer!));
  });
});
