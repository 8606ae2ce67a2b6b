/** The operations the tests send, and the shapes they answer with. */

export interface Money {
  amount: number;
  currency: string;
}

export interface OrderItemResult {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  subtotal: Money;
}

export interface OrderResult {
  id: string;
  status: 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';
  createdAt: string;
  total: Money;
  items: OrderItemResult[];
  user: { id: string };
}

export interface Connection<TNode> {
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface OrderItemInput {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export interface PlaceOrderInput {
  currency: string;
  items: OrderItemInput[];
}

const ORDER_FIELDS = /* GraphQL */ `
  id
  status
  createdAt
  total { amount currency }
  items { sku name quantity unitPrice { amount currency } subtotal { amount currency } }
  user { id }
`;

export const PLACE_ORDER = /* GraphQL */ `
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) { ${ORDER_FIELDS} }
  }
`;
export type PlaceOrderData = { placeOrder: OrderResult };

export const CANCEL_ORDER = /* GraphQL */ `
  mutation CancelOrder($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
      total {
        amount
        currency
      }
      user {
        id
      }
    }
  }
`;
export type CancelOrderData = { cancelOrder: Pick<OrderResult, 'id' | 'status' | 'total' | 'user'> };

export const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) { ${ORDER_FIELDS} }
  }
`;
export type OrderData = { order: OrderResult | null };

export const ORDERS = /* GraphQL */ `
  query Orders($first: Int, $after: String, $status: OrderStatus) {
    orders(first: $first, after: $after, status: $status) {
      edges {
        cursor
        node {
          id
          status
          createdAt
          user {
            id
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
export type OrdersData = {
  orders: Connection<Pick<OrderResult, 'id' | 'status' | 'createdAt' | 'user'>>;
};

export const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Order {
        id
        status
        total {
          amount
          currency
        }
        user {
          id
        }
      }
      ... on User {
        id
        orders {
          edges {
            node {
              id
            }
          }
        }
      }
    }
  }
`;
export type EntityResult =
  | { __typename: 'Order'; id: string; status: OrderResult['status']; total: Money; user: { id: string } }
  | { __typename: 'User'; id: string; orders: { edges: { node: { id: string } }[] } };
export type EntitiesData = { _entities: (EntityResult | null)[] };

export const orderRef = (id: string) => ({ __typename: 'Order', id });
export const userRef = (id: string) => ({ __typename: 'User', id });

/** A valid one-line order, for tests about something else than the input. */
export const oneLine = (overrides: Partial<OrderItemInput> = {}): PlaceOrderInput => ({
  currency: 'USD',
  items: [{ sku: 'SKU-1', name: 'Thing', quantity: 1, unitPrice: 100, ...overrides }],
});
