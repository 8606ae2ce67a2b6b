import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { products } from '@supergraph/catalog/db-schema';
import { orderItems, orders } from '@supergraph/orders/db-schema';
import { users } from '@supergraph/users/db-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OrdersWithProductsDocument,
  OrdersWithUsersDocument,
  ProductsWithOrderCountsDocument,
  UsersWithOrdersDocument,
} from '../src/generated/operations.ts';
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
  // Each order's first line is a product of its own and its second a product every order shares, so N orders
  // refer to N + 1 distinct products of the catalog.
  const catalogue = [...customers.map((_, index) => `LOAD-${index}`), 'LOAD-SHARED'].map((sku) => ({
    id: randomUUID(),
    sku,
    name: `Product ${sku}`,
    priceAmount: 100,
    currency: 'USD',
  }));
  await stack.databases.catalog.db.insert(products).values(catalogue);
  const shared = catalogue.at(-1)!;
  await stack.databases.orders.db.insert(orderItems).values(
    placed.flatMap((order, index) => [
      {
        orderId: order.id,
        position: 0,
        productId: catalogue[index]!.id,
        sku: catalogue[index]!.sku,
        name: 'Widget',
        quantity: 1,
        unitPrice: 100,
      },
      {
        orderId: order.id,
        position: 1,
        productId: shared.id,
        sku: shared.sku,
        name: 'Gadget',
        quantity: 2,
        unitPrice: 100,
      },
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
  stack.sql.catalog.reset();
  const response = await stack.request(document, { first }, adminToken);
  expect(response.body.errors).toBeUndefined();
  return {
    data: response.body.data!,
    users: stack.sql.users.count,
    orders: stack.sql.orders.count,
    catalog: stack.sql.catalog.count,
  };
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

  it('O5: lists 1, 10 and 100 orders with their lines and products in the same number of statements per subgraph', async () => {
    const results = [];
    for (const first of [1, 10, 100]) results.push(await statementsFor(OrdersWithProductsDocument, first));
    expect(results.map(({ data }) => data.orders.edges.length)).toEqual([1, 10, 100]);
    // Every line's product came back from the catalog: 100 orders name 101 distinct products.
    const lines = results[2]!.data.orders.edges.flatMap(({ node }) => node.items);
    expect(lines.every((line) => line.product?.name === `Product ${line.sku}`)).toBe(true);
    expect(new Set(lines.map((line) => line.product!.id)).size).toBe(101);
    // orders: one page query + one items query; catalog: one batched entity lookup; users: none.
    expect(results.map(({ users, orders, catalog }) => ({ users, orders, catalog }))).toEqual([
      { users: 0, orders: 2, catalog: 1 },
      { users: 0, orders: 2, catalog: 1 },
      { users: 0, orders: 2, catalog: 1 },
    ]);
  });

  it('lists 1, 10 and 100 products with their order counts in one statement per subgraph', async () => {
    const results = [];
    for (const first of [1, 10, 100])
      results.push(await statementsFor(ProductsWithOrderCountsDocument, first));
    expect(results.map(({ data }) => data.products.edges.length)).toEqual([1, 10, 100]);
    expect(results.map(({ users, orders, catalog }) => ({ users, orders, catalog }))).toEqual([
      { users: 0, orders: 1, catalog: 1 },
      { users: 0, orders: 1, catalog: 1 },
      { users: 0, orders: 1, catalog: 1 },
    ]);
  });
});
