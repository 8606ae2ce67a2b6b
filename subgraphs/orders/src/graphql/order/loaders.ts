import { isUuid } from '@supergraph/service-kit/graphql';
import { createByIdLoader } from '@supergraph/service-kit/loaders';
import { instrumentedBatch, type BatchObserver } from '@supergraph/service-kit/metrics';
import DataLoader from 'dataloader';
import type { OrdersDb } from '../../db/client.ts';
import type { OrderItemRow, OrderRow, OrderStatus } from '../../db/schema.ts';
import {
  findItemsByOrderIds,
  findOrdersByIds,
  listOrdersForUsers,
  type OrderPageKey,
} from '../../orders/queries.ts';

/** Orders by id: one statement per request for every order asked for. */
export const createOrderLoader = (db: OrdersDb, batches?: BatchObserver) =>
  createByIdLoader('order', (ids) => findOrdersByIds(db, ids), batches);

/** Items of many orders in one statement, each list in the order the customer placed them. */
export function createItemsLoader(db: OrdersDb, batches?: BatchObserver) {
  const load = async (orderIds: readonly string[]) => {
    const rows = await findItemsByOrderIds(db, orderIds);
    const byOrder = new Map<string, OrderItemRow[]>();
    for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
    return orderIds.map((id) => byOrder.get(id) ?? []);
  };
  return new DataLoader<string, OrderItemRow[]>(instrumentedBatch('orderItems', load, batches));
}

export interface UserOrdersKey {
  userId: string;
  status: OrderStatus | null;
  after: OrderPageKey | null;
  /** Rows to fetch: the page size plus one, to learn whether a next page exists. */
  limit: number;
}

const pageShape = (key: UserOrdersKey) =>
  JSON.stringify([key.status, key.after?.createdAt.toISOString() ?? null, key.after?.id ?? null, key.limit]);

/**
 * A page of orders per user for `User.orders`. Keys asking for the same page shape (status, cursor, size)
 * are answered by one statement, however many users the request resolves.
 */
export function createUserOrdersLoader(db: OrdersDb, batches?: BatchObserver) {
  const load = async (keys: readonly UserOrdersKey[]) => {
    const groups = new Map<string, UserOrdersKey[]>();
    for (const key of keys) groups.set(pageShape(key), [...(groups.get(pageShape(key)) ?? []), key]);
    const pages = new Map<string, OrderRow[]>();
    for (const [shape, group] of groups) {
      const sample = group[0]!;
      const userIds = group.map((key) => key.userId).filter(isUuid);
      const rows = userIds.length ? await listOrdersForUsers(db, userIds, sample) : [];
      for (const row of rows) {
        const pageKey = `${row.userId}|${shape}`;
        pages.set(pageKey, [...(pages.get(pageKey) ?? []), row]);
      }
    }
    return keys.map((key) => pages.get(`${key.userId}|${pageShape(key)}`) ?? []);
  };
  return new DataLoader<UserOrdersKey, OrderRow[], string>(instrumentedBatch('userOrders', load, batches), {
    cacheKeyFn: (key) => `${key.userId}|${pageShape(key)}`,
  });
}
