/** Every screen of the app by path; `matchRoute` turns a path into a screen and its parameters. */
export type Route =
  | { screen: 'login' }
  | { screen: 'signup' }
  | { screen: 'orders' }
  | { screen: 'new-order' }
  | { screen: 'order'; id: string }
  | { screen: 'account' }
  | { screen: 'admin' }
  | { screen: 'not-found' };

export const paths = {
  login: '/login',
  signup: '/signup',
  orders: '/orders',
  newOrder: '/orders/new',
  order: (id: string) => `/orders/${encodeURIComponent(id)}`,
  account: '/account',
  admin: '/admin',
} as const;

export function matchRoute(path: string): Route {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  switch (trimmed) {
    case '/':
    case paths.orders:
      return { screen: 'orders' };
    case paths.login:
      return { screen: 'login' };
    case paths.signup:
      return { screen: 'signup' };
    case paths.newOrder:
      return { screen: 'new-order' };
    case paths.account:
      return { screen: 'account' };
    case paths.admin:
      return { screen: 'admin' };
  }
  const order = /^\/orders\/([^/]+)$/.exec(trimmed);
  if (order) return { screen: 'order', id: decodeURIComponent(order[1]!) };
  return { screen: 'not-found' };
}
