import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { orderItems, orders } from '@supergraph/orders/db-schema';
import { users } from '@supergraph/users/db-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersWithUsersDocument, UsersWithOrdersDocument } from '../src/generated/operations.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let adminToken: string;

beforeAll(async () => {
  stack = await startStack('nplusone');
  // 100 more customers, each with one order of two items, all newer than the demo data, so the first
  // N orders belong to N different users.
  const customers = Array.from({ length: 100 }, (_, index) => ({
    id: randomUUID(),
    email: `load-${index}@example.com`,
    name: `Load Customer ${index}`,
    passwordHash: 'scrypt$16384$8$1$unused$unused',
  }));
  await stack.databases.users.db.insert(users).values(customers);
  const base = Date.UTC(2026, 5, 1);
  const placed = customers.map((customer, index) => ({
    id: randomUUID(),
    userId: customer.id,
    currency: 'USD',
    totalAmount: 300,
    createdAt: new Date(base + index * 1000),
  }));
  await stack.databases.orders.db.insert(orders).values(placed);
  await stack.databases.orders.db.insert(orderItems).values(
    placed.flatMap((order) => [
      { orderId: order.id, position: 0, sku: 'A', name: 'Widget', quantity: 1, unitPrice: 100 },
      { orderId: order.id, position: 1, sku: 'B', name: 'Gadget', quantity: 2, unitPrice: 100 },
    ]),
  );
  adminToken = await stack.logIn('ada@example.com');
});
afterAll(async () => {
  await stack?.close();
});

/** Runs a page-of-`first` operation of the corpus as the admin; counts the statements each subgraph ran. */
async function statementsFor<TResult>(
  document: TypedDocumentNode<TResult, { first: number }>,
  first: number,
) {
  stack.sql.users.reset();
  stack.sql.orders.reset();
  const response = await stack.request(document, { first }, adminToken);
  expect(response.body.errors).toBeUndefined();
  return { data: response.body.data!, users: stack.sql.users.count, orders: stack.sql.orders.count };
}

describe('no N+1 across the federation hop', () => {
  it('lists 1, 10 and 100 orders with their items and users in the same number of statements per subgraph', async () => {
    const results = [];
    for (const first of [1, 10, 100]) results.push(await statementsFor(OrdersWithUsersDocument, first));
    expect(results.map(({ data }) => data.orders.edges.length)).toEqual([1, 10, 100]);
    // The newest orders are the load customers' own: each one's user came back from the users service.
    expect(
      results[2]!.data.orders.edges.every(({ node }) => node.user.name.startsWith('Load Customer ')),
    ).toBe(true);
    // orders: one page query + one items query; users: one batched entity lookup.
    expect(results.map(({ users, orders }) => ({ users, orders }))).toEqual([
      { users: 1, orders: 2 },
      { users: 1, orders: 2 },
      { users: 1, orders: 2 },
    ]);
  });

  it('lists 1, 10 and 100 users with their orders in the same number of statements per subgraph', async () => {
    const results = [];
    for (const first of [1, 10, 100]) results.push(await statementsFor(UsersWithOrdersDocument, first));
    expect(results.map(({ data }) => data.users.edges.length)).toEqual([1, 10, 100]);
    expect(results.map(({ users, orders }) => ({ users, orders }))).toEqual([
      { users: 1, orders: 2 },
      { users: 1, orders: 2 },
      { users: 1, orders: 2 },
    ]);
  });
});
