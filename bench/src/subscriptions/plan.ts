import type { Dataset, DatasetOrder, OrderStatus } from '../dataset.ts';

/** One status change the scenario makes: an order moved to a status its lifecycle allows. */
export interface Change {
  orderId: string;
  ownerId: string;
  status: OrderStatus;
}

/**
 * Every change the dataset allows, in an order that keeps each order's lifecycle (PENDING → PAID before
 * PAID → SHIPPED) and spreads consecutive changes over many owners: first each PENDING or PAID order's next
 * step, round-robin over owners, then the orders that just became PAID go on to SHIPPED.
 */
export function changesOf(dataset: Dataset): Change[] {
  const next: Partial<Record<OrderStatus, OrderStatus>> = { PENDING: 'PAID', PAID: 'SHIPPED' };
  const byOwner = new Map<string, DatasetOrder[]>();
  for (const order of dataset.orders) {
    if (!next[order.status]) continue;
    const list = byOwner.get(order.userId) ?? [];
    list.push(order);
    byOwner.set(order.userId, list);
  }
  const first: Change[] = [];
  const second: Change[] = [];
  const lists = [...byOwner.values()];
  for (let round = 0; lists.some((list) => list.length > round); round++) {
    for (const list of lists) {
      const order = list[round];
      if (!order) continue;
      const status = next[order.status]!;
      first.push({ orderId: order.id, ownerId: order.userId, status });
      if (status === 'PAID') second.push({ orderId: order.id, ownerId: order.userId, status: 'SHIPPED' });
    }
  }
  return [...first, ...second];
}
