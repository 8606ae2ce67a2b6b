import { and, countDistinct, inArray, ne, eq } from 'drizzle-orm';
import type { OrdersDb } from '../db/client.ts';
import { orderItems, orders } from '../db/schema.ts';

/** How many orders, cancelled ones not counted, have a line of each product: one grouped statement. */
export async function countOrdersOfProducts(
  db: OrdersDb,
  productIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await db
    .select({ productId: orderItems.productId, count: countDistinct(orderItems.orderId) })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(inArray(orderItems.productId, [...productIds]), ne(orders.status, 'CANCELLED')))
    .groupBy(orderItems.productId);
  return new Map(rows.map((row) => [row.productId!, row.count]));
}
