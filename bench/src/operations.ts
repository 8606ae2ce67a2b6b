import { createHash } from 'node:crypto';

/**
 * The operations measured, each sent with `first` (N) as a variable. O1 stays in one subgraph; O2 and O3 cross
 * the federation boundary once, in opposite directions; O4 crosses it twice; O5 fans every line of N orders
 * out to the catalog (issue 20: its SQL per operation must not grow with N).
 */

export type OperationId = 'O1' | 'O2' | 'O3' | 'O4' | 'O5';

export interface Operation {
  id: OperationId;
  /** What it exercises, for the report. */
  description: string;
  /** The operation's name: lets every server cache its plan and logs attribute the traffic. */
  name: string;
  query: string;
  /** True when the users subgraph alone can answer it (configuration B). */
  singleSubgraph: boolean;
}

export const SIZES = [1, 10, 100] as const;

export const OPERATIONS: readonly Operation[] = [
  {
    id: 'O1',
    description: 'users only (one subgraph)',
    name: 'BenchUsers',
    query: 'query BenchUsers($first: Int!) { users(first: $first) { edges { node { id name } } } }',
    singleSubgraph: true,
  },
  {
    id: 'O2',
    description: 'orders → user (one hop to users)',
    name: 'BenchOrdersWithUser',
    query:
      'query BenchOrdersWithUser($first: Int!) { orders(first: $first) { edges { node { items { sku quantity } total { amount currency } user { name } } } } }',
    singleSubgraph: false,
  },
  {
    id: 'O3',
    description: 'users → orders (one hop to orders)',
    name: 'BenchUsersWithOrders',
    query:
      'query BenchUsersWithOrders($first: Int!) { users(first: $first) { edges { node { name orders(first: 5) { edges { node { total { amount } } } } } } } }',
    singleSubgraph: false,
  },
  {
    id: 'O4',
    description: 'orders → user → orders (two hops)',
    name: 'BenchOrdersUsersOrders',
    query:
      'query BenchOrdersUsersOrders($first: Int!) { orders(first: $first) { edges { node { total { amount } user { name orders(first: 5) { edges { node { status items { sku } } } } } } } } }',
    singleSubgraph: false,
  },
  {
    id: 'O5',
    description: 'orders → items → product (one hop to catalog)',
    name: 'BenchOrdersWithProducts',
    // The shape of e2e's O5 N+1 test (e2e/operations/OrdersWithProducts.graphql).
    query:
      'query BenchOrdersWithProducts($first: Int!) { orders(first: $first) { edges { node { id items { sku quantity unitPrice { amount currency } product { id name active price { amount currency } } } } } } }',
    singleSubgraph: false,
  },
];

export function operation(id: OperationId): Operation {
  const found = OPERATIONS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown operation ${id}`);
  return found;
}

/** An operation's id as a trusted document: the SHA-256 of its text (Apollo's persisted query manifest). */
export const documentIdOf = (op: Operation): string => createHash('sha256').update(op.query).digest('hex');

/**
 * The JSON body of one request: the same bytes for every request of a measurement. By id, it carries the
 * operation's id as Apollo Client's persisted-query link sends it, and no text.
 */
export function requestBody(op: Operation, first: number, byId = false): string {
  if (byId) {
    const persistedQuery = { version: 1, sha256Hash: documentIdOf(op) };
    return JSON.stringify({ operationName: op.name, variables: { first }, extensions: { persistedQuery } });
  }
  return JSON.stringify({ query: op.query, operationName: op.name, variables: { first } });
}

/** The bench operations as an Apollo persisted query manifest, for A+ids' gateway. */
export const benchManifest = () => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: OPERATIONS.map((op) => ({
    id: documentIdOf(op),
    name: op.name,
    type: 'query',
    body: op.query,
  })),
});
