import { isDeepStrictEqual } from 'node:util';
import type { Dataset, DatasetOrder, DatasetProduct, DatasetUser } from './dataset.ts';
import type { OperationId } from './operations.ts';

/**
 * The answer each operation must produce, computed from the dataset alone: users oldest first, orders newest
 * first, items in their position order — the orderings the subgraphs document; a line's product as the
 * catalog holds it now. Every configuration is checked
 * against this, so "the monolith returns the same results as the federated graph" is checked against a third
 * party rather than against each other.
 */
export function expectedData(id: OperationId, first: number, dataset: Dataset): unknown {
  const users = [...dataset.users].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
  );
  const newestFirst = (list: readonly DatasetOrder[]) =>
    [...list].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
  const orders = newestFirst(dataset.orders);
  const byId = new Map(dataset.users.map((user) => [user.id, user]));
  const userOf = (order: DatasetOrder): DatasetUser => {
    const user = byId.get(order.userId);
    if (!user) throw new Error(`dataset order ${order.id} has no user`);
    return user;
  };
  const products = new Map(dataset.products.map((product) => [product.id, product]));
  const productOf = (id: string): DatasetProduct => {
    const product = products.get(id);
    if (!product) throw new Error(`dataset product ${id} does not exist`);
    return product;
  };
  const ordersOf = (user: DatasetUser, count: number) =>
    newestFirst(dataset.orders.filter((order) => order.userId === user.id)).slice(0, count);
  const edges = <T, N>(rows: readonly T[], node: (row: T) => N) => ({
    edges: rows.map((row) => ({ node: node(row) })),
  });

  switch (id) {
    case 'O1':
      return { users: edges(users.slice(0, first), (user) => ({ id: user.id, name: user.name })) };
    case 'O2':
      return {
        orders: edges(orders.slice(0, first), (order) => ({
          items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
          total: { amount: order.totalAmount, currency: order.currency },
          user: { name: userOf(order).name },
        })),
      };
    case 'O3':
      return {
        users: edges(users.slice(0, first), (user) => ({
          name: user.name,
          orders: edges(ordersOf(user, 5), (order) => ({ total: { amount: order.totalAmount } })),
        })),
      };
    case 'O4':
      return {
        orders: edges(orders.slice(0, first), (order) => ({
          total: { amount: order.totalAmount },
          user: {
            name: userOf(order).name,
            orders: edges(ordersOf(userOf(order), 5), (own) => ({
              status: own.status,
              items: own.items.map((item) => ({ sku: item.sku })),
            })),
          },
        })),
      };
    case 'O5':
      return {
        orders: edges(orders.slice(0, first), (order) => ({
          id: order.id,
          items: order.items.map((item) => {
            const product = productOf(item.productId);
            return {
              sku: item.sku,
              quantity: item.quantity,
              unitPrice: { amount: item.unitPrice, currency: order.currency },
              product: {
                id: product.id,
                name: product.name,
                active: product.active,
                price: { amount: product.priceAmount, currency: product.currency },
              },
            };
          }),
        })),
      };
  }
}

/**
 * Why a response body is not the expected answer (empty when it is): it must be JSON, carry no `errors`, and
 * its `data` must equal the expected data — which also means exactly `first` edges.
 */
export function responseProblems(body: string, expected: unknown): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`not JSON: ${body.slice(0, 200)}`];
  }
  if (!parsed || typeof parsed !== 'object') return [`not a GraphQL response: ${body.slice(0, 200)}`];
  const problems: string[] = [];
  if ('errors' in parsed) problems.push(`errors: ${JSON.stringify(parsed.errors).slice(0, 500)}`);
  const data = 'data' in parsed ? parsed.data : undefined;
  if (!isDeepStrictEqual(data, expected)) {
    problems.push(`data differs from the expected answer: ${JSON.stringify(data).slice(0, 300)}`);
  }
  return problems;
}
