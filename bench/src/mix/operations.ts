import type { SubgraphName } from '../configurations.ts';
import type { DatasetOrder, DatasetProduct, DatasetUser } from '../dataset.ts';
import type { Callers } from './callers.ts';
import {
  PLACED_ORDER_SELECTION,
  placeOrderInput,
  placedOrderShape,
  placedOrderSpec,
  type PlacedOrderSpec,
} from './place-order.ts';

/**
 * The traffic mix: what a shop frontend's users send, weighted as in issue 23. Each operation says who may
 * send it (its pool of callers), how its variables vary, and what the answer must be for that caller —
 * computed from the dataset, never from another server's answer. `publicRead` is the anonymous catalogue read
 * (`products`, no token), the one request of the mix without a caller.
 */
export type MixOpId =
  | 'myOrders'
  | 'orderById'
  | 'profile'
  | 'adminUsers'
  | 'adminOrders'
  | 'placeOrder'
  | 'cancelOrder'
  | 'publicRead';

/** One subgraph request of configuration B (the client does the gateway's fetches itself). */
export interface DirectFetch {
  subgraph: SubgraphName;
  query: string;
  variables: Record<string, unknown>;
  /** The subgraph's expected `data`; undefined for a write (checked by `MixRequest.checkWrite`). */
  expected: unknown;
}

/** What a write's answer says happened, for the ledger (writes.ts). */
export type WriteOutcome =
  | { kind: 'placed'; orderId: string; owner: string; spec: PlacedOrderSpec }
  | { kind: 'cancelled'; orderId: string };

export interface MixRequest {
  op: MixOpId;
  /** Who sends it; null for an anonymous request (no access token; B signs an anonymous identity). */
  caller: DatasetUser | null;
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
  /** The expected `data` of a read (and of cancelOrder, whose answer is known in advance). */
  expected: unknown;
  /** Set for placeOrder, whose new id is not known in advance: checks `data` and says what was placed. */
  checkWrite?: (data: unknown) => { problems: string[]; outcome?: WriteOutcome };
  /** Set for placeOrder: what it places (what the ledger expects to find afterwards). */
  places?: PlacedOrderSpec;
  /** Set for cancelOrder: the order it cancels (what the ledger learns when it is answered). */
  cancels?: string;
  /** The same request as configuration B sends it: straight to the subgraphs, in the gateway's order. */
  direct: DirectFetch[];
}

/** Where a mix draws its variation from: deterministic, so two runs send the same sequence. */
export interface MixState {
  callers: Callers;
  /** Uniform integer in [0, n). */
  random(n: number): number;
  /** The next caller of a pool: connections cycle through users, so concurrent requests rarely share one. */
  nextOf(pool: keyof Pick<Callers, 'admins' | 'readers' | 'writers' | 'customers'>): DatasetUser;
  /** A writer's order that may still be cancelled (seeded PENDING/PAID or placed in this run), taken once. */
  takeCancellable(): DatasetOrder | { id: string; userId: string } | undefined;
  /** A number never used before in this run, for placed orders. */
  nextPlacementSeq(): number;
}

export interface MixOperation {
  id: MixOpId;
  /** Share of the traffic, in percent (they add up to 100). */
  weight: number;
  name: string;
  query: string;
  next(state: MixState): MixRequest | undefined;
}

const FIRSTS = [5, 10, 20] as const;

const cursorOf = (createdAt: Date, id: string) =>
  Buffer.from(`v1:${JSON.stringify([createdAt.toISOString(), id])}`).toString('base64url');

const ENTITIES_QUERY = (selection: string) =>
  `query($representations:[_Any!]!){_entities(representations:$representations){...on User{${selection}}}}`;
const representations = (ids: readonly string[]) =>
  [...new Set(ids)].map((id) => ({ __typename: 'User', id }));

const userNames = (state: MixState, ids: readonly string[]): DirectFetch => ({
  subgraph: 'users',
  query: ENTITIES_QUERY('name'),
  variables: { representations: representations(ids) },
  expected: {
    _entities: [...new Set(ids)].map((id) => ({ name: state.callers.userById.get(id)!.name })),
  },
});

const money = (amount: number, currency: string) => ({ amount, currency });

const MY_ORDERS_NODE = 'id status createdAt items { sku quantity } total { amount currency }';
const myOrders: MixOperation = {
  id: 'myOrders',
  weight: 35,
  name: 'MixMyOrders',
  query: `query MixMyOrders($first: Int!, $after: String) { orders(first: $first, after: $after) { edges { cursor node { ${MY_ORDERS_NODE} user { id name } } } pageInfo { hasNextPage endCursor } } }`,
  next(state) {
    const caller = state.nextOf('readers');
    const own = state.callers.ordersOf(caller.id);
    const first = FIRSTS[state.random(FIRSTS.length)]!;
    // One request in four asks for the second page, after the caller's newest order.
    const after = state.random(4) === 0 ? own[0]! : undefined;
    const rest = after ? own.slice(1) : own;
    const page = rest.slice(0, first);
    const node = (order: DatasetOrder) => ({
      id: order.id,
      status: order.status,
      createdAt: order.createdAt.toISOString(),
      items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
      total: money(order.totalAmount, order.currency),
    });
    const endCursor = page.length
      ? cursorOf(page.at(-1)!.createdAt, page.at(-1)!.id)
      : after
        ? cursorOf(after.createdAt, after.id)
        : null;
    const connection = (user: (order: DatasetOrder) => unknown) => ({
      edges: page.map((order) => ({
        cursor: cursorOf(order.createdAt, order.id),
        node: { ...node(order), user: user(order) },
      })),
      pageInfo: { hasNextPage: rest.length > first, endCursor },
    });
    const variables = { first, after: after ? cursorOf(after.createdAt, after.id) : null };
    return {
      op: 'myOrders',
      caller,
      operationName: this.name,
      query: this.query,
      variables,
      expected: { orders: connection(() => ({ id: caller.id, name: caller.name })) },
      direct: [
        {
          subgraph: 'orders',
          query: `query($first:Int!,$after:String){orders(first:$first,after:$after){edges{cursor node{${MY_ORDERS_NODE} user{__typename id}}}pageInfo{hasNextPage endCursor}}}`,
          variables,
          expected: { orders: connection(() => ({ __typename: 'User', id: caller.id })) },
        },
        ...(page.length ? [userNames(state, [caller.id])] : []),
      ],
    };
  },
};

const ORDER_NODE =
  'id status createdAt items { sku name quantity unitPrice { amount currency } subtotal { amount } } total { amount currency }';
const orderById: MixOperation = {
  id: 'orderById',
  weight: 20,
  name: 'MixOrder',
  query: `query MixOrder($id: ID!) { order(id: $id) { ${ORDER_NODE} user { id name } } }`,
  next(state) {
    const caller = state.nextOf('readers');
    const own = state.callers.ordersOf(caller.id);
    const order = own[state.random(own.length)]!;
    const node = {
      id: order.id,
      status: order.status,
      createdAt: order.createdAt.toISOString(),
      items: order.items.map((item) => ({
        sku: item.sku,
        name: item.name,
        quantity: item.quantity,
        unitPrice: money(item.unitPrice, order.currency),
        subtotal: { amount: item.unitPrice * item.quantity },
      })),
      total: money(order.totalAmount, order.currency),
    };
    return {
      op: 'orderById',
      caller,
      operationName: this.name,
      query: this.query,
      variables: { id: order.id },
      expected: { order: { ...node, user: { id: caller.id, name: caller.name } } },
      direct: [
        {
          subgraph: 'orders',
          query: `query($id:ID!){order(id:$id){${ORDER_NODE} user{__typename id}}}`,
          variables: { id: order.id },
          expected: { order: { ...node, user: { __typename: 'User', id: caller.id } } },
        },
        userNames(state, [caller.id]),
      ],
    };
  },
};

const PROFILE = 'id name email role createdAt';
const profile: MixOperation = {
  id: 'profile',
  weight: 15,
  name: 'MixMe',
  query: `query MixMe { me { ${PROFILE} } }`,
  next(state) {
    const caller = state.nextOf('customers');
    const me = {
      id: caller.id,
      name: caller.name,
      email: caller.email,
      role: caller.role,
      createdAt: caller.createdAt.toISOString(),
    };
    return {
      op: 'profile',
      caller,
      operationName: this.name,
      query: this.query,
      variables: {},
      expected: { me },
      direct: [{ subgraph: 'users', query: `{me{${PROFILE}}}`, variables: {}, expected: { me } }],
    };
  },
};

const ADMIN_USER_ORDERS = 'orders(first: 5) { edges { node { id status total { amount currency } } } }';
const adminUsers: MixOperation = {
  id: 'adminUsers',
  weight: 5,
  name: 'MixAdminUsers',
  query: `query MixAdminUsers($first: Int!, $after: String) { users(first: $first, after: $after) { edges { node { id name ${ADMIN_USER_ORDERS} } } pageInfo { hasNextPage endCursor } } }`,
  next(state) {
    const caller = state.nextOf('admins');
    const { usersOldestFirst: users, firstWriterPosition } = state.callers;
    const first = FIRSTS[state.random(FIRSTS.length)]!;
    // A page that ends before the first writer: nothing it shows changes during the run.
    const start = state.random(firstWriterPosition - first + 1);
    const page = users.slice(start, start + first);
    const after = start > 0 ? users[start - 1]! : undefined;
    const ordersOf = (user: DatasetUser) => ({
      edges: state.callers
        .ordersOf(user.id)
        .slice(0, 5)
        .map((order) => ({
          node: { id: order.id, status: order.status, total: money(order.totalAmount, order.currency) },
        })),
    });
    const last = page.at(-1)!;
    const pageInfo = { hasNextPage: true, endCursor: cursorOf(last.createdAt, last.id) };
    const variables = { first, after: after ? cursorOf(after.createdAt, after.id) : null };
    return {
      op: 'adminUsers',
      caller,
      operationName: this.name,
      query: this.query,
      variables,
      expected: {
        users: {
          edges: page.map((user) => ({ node: { id: user.id, name: user.name, orders: ordersOf(user) } })),
          pageInfo,
        },
      },
      direct: [
        {
          subgraph: 'users',
          query: `query($first:Int!,$after:String){users(first:$first,after:$after){edges{node{__typename id name}}pageInfo{hasNextPage endCursor}}}`,
          variables,
          expected: {
            users: {
              edges: page.map((user) => ({ node: { __typename: 'User', id: user.id, name: user.name } })),
              pageInfo,
            },
          },
        },
        {
          subgraph: 'orders',
          query: ENTITIES_QUERY(ADMIN_USER_ORDERS),
          variables: { representations: representations(page.map((user) => user.id)) },
          expected: { _entities: page.map((user) => ({ orders: ordersOf(user) })) },
        },
      ],
    };
  },
};

/** Positions p of the newest-first orders after which the next 20 orders belong to no writer. */
function stableOrderCursors(callers: Callers): number[] {
  const orders = callers.ordersNewestFirst;
  const positions: number[] = [];
  for (let p = 0; p + 20 < orders.length; p += 1) {
    if (!orders.slice(p + 1, p + 21).some((order) => callers.isWriter(order.userId))) positions.push(p);
  }
  return positions;
}
const stableCursorCache = new WeakMap<Callers, number[]>();

const ADMIN_ORDER_USER_ORDERS = 'orders(first: 3) { edges { node { id status } } }';
const adminOrders: MixOperation = {
  id: 'adminOrders',
  weight: 5,
  name: 'MixAdminOrders',
  query: `query MixAdminOrders($first: Int!, $after: String!) { orders(first: $first, after: $after) { edges { node { id status total { amount } user { name ${ADMIN_ORDER_USER_ORDERS} } } } } }`,
  next(state) {
    const caller = state.nextOf('admins');
    const { callers } = state;
    let positions = stableCursorCache.get(callers);
    if (!positions) stableCursorCache.set(callers, (positions = stableOrderCursors(callers)));
    const first = FIRSTS[state.random(FIRSTS.length)]!;
    // Always after a seeded order: orders placed during the run are newer, so they never enter the page.
    const position = positions[state.random(positions.length)]!;
    const after = callers.ordersNewestFirst[position]!;
    const page = callers.ordersNewestFirst.slice(position + 1, position + 1 + first);
    const userOrders = (userId: string) => ({
      edges: callers
        .ordersOf(userId)
        .slice(0, 3)
        .map((order) => ({ node: { id: order.id, status: order.status } })),
    });
    const variables = { first, after: cursorOf(after.createdAt, after.id) };
    return {
      op: 'adminOrders',
      caller,
      operationName: this.name,
      query: this.query,
      variables,
      expected: {
        orders: {
          edges: page.map((order) => ({
            node: {
              id: order.id,
              status: order.status,
              total: { amount: order.totalAmount },
              user: { name: callers.userById.get(order.userId)!.name, orders: userOrders(order.userId) },
            },
          })),
        },
      },
      direct: [
        {
          subgraph: 'orders',
          query: `query($first:Int!,$after:String!){orders(first:$first,after:$after){edges{node{id status total{amount} user{__typename id ${ADMIN_ORDER_USER_ORDERS}}}}}}`,
          variables,
          expected: {
            orders: {
              edges: page.map((order) => ({
                node: {
                  id: order.id,
                  status: order.status,
                  total: { amount: order.totalAmount },
                  user: { __typename: 'User', id: order.userId, orders: userOrders(order.userId) },
                },
              })),
            },
          },
        },
        userNames(
          state,
          page.map((order) => order.userId),
        ),
      ],
    };
  },
};

const placeOrder: MixOperation = {
  id: 'placeOrder',
  weight: 10,
  name: 'MixPlaceOrder',
  query: `mutation MixPlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { ${PLACED_ORDER_SELECTION} } }`,
  next(state) {
    const caller = state.nextOf('writers');
    const spec = placedOrderSpec(state.nextPlacementSeq(), state.callers.listedProducts);
    const variables = { input: placeOrderInput(spec) };
    const checkWrite = (data: unknown) => checkPlaced(data, 'placeOrder', caller.id, spec);
    return {
      op: 'placeOrder',
      caller,
      operationName: this.name,
      query: this.query,
      variables,
      expected: undefined,
      checkWrite,
      places: spec,
      direct: [
        {
          subgraph: 'orders',
          query: `mutation($input:PlaceOrderInput!){placeOrder(input:$input){${PLACED_ORDER_SELECTION}}}`,
          variables,
          expected: undefined,
        },
      ],
    };
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A placed order's answer: a fresh id, PENDING, the lines sent and the total the server computed. */
export function checkPlaced(
  data: unknown,
  field: string,
  owner: string,
  spec: PlacedOrderSpec,
): { problems: string[]; outcome?: WriteOutcome } {
  const order = (data as Record<string, unknown> | null | undefined)?.[field] as
    { id?: unknown; status?: unknown; total?: unknown; items?: unknown } | undefined;
  if (!order || typeof order.id !== 'string' || !UUID.test(order.id))
    return { problems: [`${field}: no order id in ${JSON.stringify(data).slice(0, 200)}`] };
  const { id, status, ...rest } = order;
  const shape = placedOrderShape(spec);
  const problems: string[] = [];
  if (status !== 'PENDING') problems.push(`${field}: status ${String(status)}, expected PENDING`);
  if (JSON.stringify(rest) !== JSON.stringify(shape))
    problems.push(`${field}: ${JSON.stringify(rest).slice(0, 200)} is not what was placed`);
  return problems.length ? { problems } : { problems, outcome: { kind: 'placed', orderId: id, owner, spec } };
}

const cancelOrder: MixOperation = {
  id: 'cancelOrder',
  weight: 5,
  name: 'MixCancelOrder',
  query: 'mutation MixCancelOrder($id: ID!) { cancelOrder(id: $id) { id status } }',
  next(state) {
    const target = state.takeCancellable();
    if (!target) return undefined;
    const caller = state.callers.userById.get(target.userId)!;
    const expected = { cancelOrder: { id: target.id, status: 'CANCELLED' } };
    return {
      op: 'cancelOrder',
      caller,
      operationName: this.name,
      query: this.query,
      variables: { id: target.id },
      expected,
      cancels: target.id,
      direct: [
        {
          subgraph: 'orders',
          query: 'mutation($id:ID!){cancelOrder(id:$id){id status}}',
          variables: { id: target.id },
          expected,
        },
      ],
    };
  },
};

const PRODUCT_NODE = 'id sku name price { amount currency }';
/** What `products(search:)` keeps: name or SKU containing the text, whatever the case (catalog's ILIKE). */
const matches = (product: DatasetProduct, search: string) =>
  product.name.toLowerCase().includes(search.toLowerCase()) ||
  product.sku.toLowerCase().includes(search.toLowerCase());
const SEARCHES = ['mug', 'Blue', 'LAMP', 'bench-00', 'red cable', 'nothing-matches'] as const;

const publicRead: MixOperation = {
  id: 'publicRead',
  weight: 5,
  name: 'MixProducts',
  query: `query MixProducts($first: Int!, $after: String, $search: String) { products(first: $first, after: $after, search: $search) { edges { cursor node { ${PRODUCT_NODE} } } pageInfo { hasNextPage endCursor } } }`,
  next(state) {
    const first = FIRSTS[state.random(FIRSTS.length)]!;
    // One request in three searches; one in four continues after a product of the list it reads.
    const search = state.random(3) === 0 ? SEARCHES[state.random(SEARCHES.length)]! : null;
    const listed = state.callers.listedProducts.filter((product) => !search || matches(product, search));
    const after = listed.length && state.random(4) === 0 ? listed[state.random(listed.length)]! : undefined;
    const start = after ? listed.indexOf(after) + 1 : 0;
    const page = listed.slice(start, start + first);
    const afterCursor = after ? cursorOf(after.createdAt, after.id) : null;
    const products = {
      edges: page.map((product) => ({
        cursor: cursorOf(product.createdAt, product.id),
        node: {
          id: product.id,
          sku: product.sku,
          name: product.name,
          price: money(product.priceAmount, product.currency),
        },
      })),
      pageInfo: {
        hasNextPage: listed.length > start + first,
        endCursor: page.length ? cursorOf(page.at(-1)!.createdAt, page.at(-1)!.id) : afterCursor,
      },
    };
    const variables = { first, after: afterCursor, search };
    return {
      op: 'publicRead',
      caller: null,
      operationName: this.name,
      query: this.query,
      variables,
      expected: { products },
      direct: [
        {
          subgraph: 'catalog',
          query: `query($first:Int!,$after:String,$search:String){products(first:$first,after:$after,search:$search){edges{cursor node{${PRODUCT_NODE}}}pageInfo{hasNextPage endCursor}}}`,
          variables,
          expected: { products },
        },
      ],
    };
  },
};

/** The mix, with the weights: 35 / 20 / 15 / 10 (admin lists, two kinds) / 10 / 5 / 5. */
export const MIX_OPERATIONS: readonly MixOperation[] = [
  myOrders,
  orderById,
  profile,
  adminUsers,
  adminOrders,
  placeOrder,
  cancelOrder,
  publicRead,
];

export const mixOperation = (id: MixOpId): MixOperation => {
  const found = MIX_OPERATIONS.find((op) => op.id === id);
  if (!found) throw new Error(`unknown mix operation ${id}`);
  return found;
};
