import type { Dataset, DatasetOrder, DatasetProduct, DatasetUser } from '../dataset.ts';

/**
 * Who sends what in the traffic mix. The dataset's users split into three pools, so that writes never change
 * an answer a read expects:
 * - readers: customers whose orders nobody changes (my orders, an order by id);
 * - writers: the newest tenth of the customers, the only ones who place and cancel orders;
 * - admins: one user in a hundred (the admin lists), whose pages never reach a writer (see admin-pages.ts).
 * Every customer (readers and writers) reads their own profile; anyone (no token) reads the catalogue. Nothing
 * in the mix changes a product, so the catalogue's answers hold for the whole run.
 */
export interface Callers {
  admins: readonly DatasetUser[];
  readers: readonly DatasetUser[];
  writers: readonly DatasetUser[];
  customers: readonly DatasetUser[];
  /** The users, oldest first (the order `users` lists them in). */
  usersOldestFirst: readonly DatasetUser[];
  /** Index (in `usersOldestFirst`) of the first user a page of `users` must not reach: the first writer. */
  firstWriterPosition: number;
  userById: ReadonlyMap<string, DatasetUser>;
  /** A user's orders, newest first (the order `orders` and `User.orders` list them in). */
  ordersOf(userId: string): readonly DatasetOrder[];
  /** Every order, newest first. */
  ordersNewestFirst: readonly DatasetOrder[];
  isWriter(userId: string): boolean;
  /** The products on sale (active), oldest first: what `products` lists and what writers may order. */
  listedProducts: readonly DatasetProduct[];
}

export const byAge = (a: DatasetUser, b: DatasetUser) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
export const newestFirst = (a: DatasetOrder, b: DatasetOrder) =>
  b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id);

export function callersOf(dataset: Dataset, writerShare = 0.1): Callers {
  const usersOldestFirst = [...dataset.users].sort(byAge);
  const firstWriterPosition = Math.floor(usersOldestFirst.length * (1 - writerShare));
  const writerIds = new Set(
    usersOldestFirst
      .slice(firstWriterPosition)
      .filter((user) => user.role === 'CUSTOMER')
      .map((user) => user.id),
  );
  const customers = usersOldestFirst.filter((user) => user.role === 'CUSTOMER');
  const orders = new Map<string, DatasetOrder[]>();
  for (const order of dataset.orders) orders.set(order.userId, [...(orders.get(order.userId) ?? []), order]);
  for (const list of orders.values()) list.sort(newestFirst);
  const callers: Callers = {
    admins: usersOldestFirst.filter((user) => user.role === 'ADMIN'),
    readers: customers.filter((user) => !writerIds.has(user.id)),
    writers: customers.filter((user) => writerIds.has(user.id)),
    customers,
    usersOldestFirst,
    firstWriterPosition,
    userById: new Map(dataset.users.map((user) => [user.id, user])),
    ordersOf: (userId) => orders.get(userId) ?? [],
    ordersNewestFirst: [...dataset.orders].sort(newestFirst),
    isWriter: (userId) => writerIds.has(userId),
    listedProducts: dataset.products
      .filter((product) => product.active)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)),
  };
  if (!callers.admins.length || !callers.readers.length || !callers.writers.length)
    throw new Error('the mix needs admins, readers and writers: use a dataset like MIX_DATASET');
  return callers;
}
