import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderItems, orders } from '../src/db/schema.ts';
import { ADA, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { ordersSubgraph } from '../src/subgraph.ts';
import { orderRef, userRef } from './fixtures.ts';
import { AllOrdersDocument, OrderEntitiesDocument, UsersOrdersDocument } from './generated/operations.ts';

/**
 * Resolving a list must cost the same number of SQL statements however long the list is: one for the orders
 * and one for all of their items. These tests count the statements the service sends for 1, 10 and 100.
 */
const SIZES = [1, 10, 100] as const;
const EXPECTED_STATEMENTS = 2;

const USERS = 100;
const ORDERS_PER_USER = 2;
const ITEMS_PER_ORDER = 2;

let h: Started<typeof ordersSubgraph>;
/** The bulk users, each with ORDERS_PER_USER orders (newest first) of ITEMS_PER_ORDER items. */
const bulk: { userId: string; orderIds: string[] }[] = [];

beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'n_plus_one');
  const start = Date.UTC(2026, 5, 1);
  let n = 0;
  for (let u = 0; u < USERS; u++) {
    const userId = randomUUID();
    const orderIds = Array.from({ length: ORDERS_PER_USER }, () => randomUUID());
    // Later orders get later timestamps; newest first is therefore the reverse of creation.
    const rows = orderIds.map((id) => ({
      id,
      userId,
      currency: 'USD',
      totalAmount: 300,
      createdAt: new Date(start + 1_000 * n++),
    }));
    await h.database.db.insert(orders).values(rows);
    await h.database.db.insert(orderItems).values(
      orderIds.flatMap((orderId) =>
        Array.from({ length: ITEMS_PER_ORDER }, (_, position) => ({
          orderId,
          position,
          sku: `SKU-${position}`,
          name: `Item ${position}`,
          quantity: 1,
          unitPrice: 100 * (position + 1),
        })),
      ),
    );
    bulk.push({ userId, orderIds: [...orderIds].reverse() });
  }
});
afterAll(async () => {
  await h?.close();
});

/** Statements the service sent to answer one request. */
async function statementsFor<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) {
  h.counter.reset();
  const res = await h.call(document, variables, ADA);
  const statements = [...h.counter.statements];
  expect(res.body.errors).toBeUndefined();
  return { data: res.body.data!, statements };
}

function report(title: string, counts: number[]) {
  console.log(
    `${title}\n${SIZES.map((size, i) => `  ${String(size).padStart(3)} → ${counts[i]} statements`).join('\n')}`,
  );
}

const ITEMS = [
  { sku: 'SKU-0', price: 100 },
  { sku: 'SKU-1', price: 200 },
];

describe('N+1: statements stay constant however many entities a request resolves', () => {
  it('_entities for 1, 10 and 100 Users with orders, totals and items costs 2 statements each time (as ADMIN)', async () => {
    const counts: number[] = [];
    for (const size of SIZES) {
      const users = bulk.slice(0, size);
      const { data, statements } = await statementsFor(UsersOrdersDocument, {
        representations: users.map((user) => userRef(user.userId)),
      });

      expect(data._entities).toEqual(
        users.map((user) => ({
          id: user.userId,
          orders: {
            edges: user.orderIds.map((id) => ({
              node: { id, total: { amount: 300 }, items: ITEMS.map(({ sku }) => ({ sku })) },
            })),
          },
        })),
      );
      counts.push(statements.length);
    }
    report('_entities(User) → orders → items', counts);

    expect(counts).toEqual(SIZES.map(() => EXPECTED_STATEMENTS));
  });

  it('_entities for 1, 10 and 100 Orders with items costs 2 statements each time', async () => {
    const counts: number[] = [];
    for (const size of SIZES) {
      const wanted = bulk.slice(0, size).map((user) => ({ id: user.orderIds[0]!, userId: user.userId }));
      const { data, statements } = await statementsFor(OrderEntitiesDocument, {
        representations: wanted.map(({ id }) => orderRef(id)),
      });

      expect(data._entities).toEqual(
        wanted.map(({ id, userId }) => ({
          id,
          items: ITEMS.map(({ sku, price }) => ({ sku, unitPrice: { amount: price } })),
          user: { id: userId },
        })),
      );
      counts.push(statements.length);
    }
    report('_entities(Order) → items', counts);

    expect(counts).toEqual(SIZES.map(() => EXPECTED_STATEMENTS));
  });

  it('orders(first: 1, 10, 100) with items and user costs 2 statements each time (as ADMIN)', async () => {
    // Newest first: the bulk orders (all newer than the demo orders), the last-created user's first.
    const newestFirst = [...bulk]
      .reverse()
      .flatMap((user) => user.orderIds.map((id) => ({ id, userId: user.userId })));
    const counts: number[] = [];
    for (const size of SIZES) {
      const { data, statements } = await statementsFor(AllOrdersDocument, { first: size });

      expect(data.orders.edges.map(({ node }) => node)).toEqual(
        newestFirst.slice(0, size).map(({ id, userId }) => ({
          id,
          items: ITEMS.map(({ sku }) => ({ sku })),
          user: { id: userId },
        })),
      );
      counts.push(statements.length);
    }
    report('orders → items, user', counts);

    expect(counts).toEqual(SIZES.map(() => EXPECTED_STATEMENTS));
  });
});
