import type { OrderItemRow, OrderRow } from '../../db/schema.ts';

/** What Order resolvers receive: the stored row. */
export type OrderModel = OrderRow;

/** Items carry their order's currency so Money fields need no further lookup. */
export type OrderItemModel = OrderItemRow & { currency: string };

export const money = (amount: number, currency: string) => ({ amount, currency });
