import { createLogger } from '@supergraph/service-kit/logger';
import { GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoaders } from '../src/context.ts';
import { createOrderUpdates, type OrderChange } from '../src/live/order-updates.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { DEMO_ORDERS } from './fixtures.ts';

/** The in-process fan-out's bounds, over the subgraph's real database and loaders. */
let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'order_updates');
});
afterAll(async () => {
  await h?.close();
});

const grace = GRACE!.userId;
const change = (orderId: string): OrderChange => ({
  kind: 'statusChanged',
  orderId,
  userId: grace,
  occurredAt: new Date().toISOString(),
});
const updatesWith = (bounds: { maxBuffered?: number; maxPending?: number }) =>
  createOrderUpdates({
    createLoaders: () => createLoaders(h.database.db),
    logger: createLogger('orders', 'silent'),
    ...bounds,
  });

describe('live order updates: bounds', () => {
  it('ends a subscriber that reads slower than its updates come with SUBSCRIPTION_INTERRUPTED, not a quiet end', async () => {
    const updates = updatesWith({ maxBuffered: 2 });
    const mine = await updates.subscribe({ userId: grace });
    for (const id of [DEMO_ORDERS.graceShipped, DEMO_ORDERS.gracePaid, DEMO_ORDERS.gracePending]) {
      await updates.publish(change(id));
    }

    await expect(mine.next()).rejects.toMatchObject({ extensions: { code: 'SUBSCRIPTION_INTERRUPTED' } });
    expect(await mine.next()).toEqual({ done: true, value: undefined });
    expect(updates.size).toBe(0);
  });

  it('interrupts every subscription, and drops the backlog, when more changes wait than maxPending', async () => {
    const updates = updatesWith({ maxPending: 2 });
    const mine = await updates.subscribe({ userId: grace });
    const everything = await updates.subscribe({ everyOrder: true });
    const reading = mine.next();
    const readingAll = everything.next();
    // Three in one tick: none has been handled yet when the third arrives.
    const handled = [DEMO_ORDERS.gracePaid, DEMO_ORDERS.adaPaid, DEMO_ORDERS.alanPending].map((id) =>
      updates.publish(change(id)),
    );

    await expect(reading).rejects.toMatchObject({ extensions: { code: 'SUBSCRIPTION_INTERRUPTED' } });
    await expect(readingAll).rejects.toMatchObject({ extensions: { code: 'SUBSCRIPTION_INTERRUPTED' } });
    await Promise.all(handled);
    expect(updates.size).toBe(0);

    // Changes are handled again once the backlog is gone.
    const again = await updates.subscribe({ userId: grace });
    const next = again.next();
    await updates.publish(change(DEMO_ORDERS.gracePaid));
    expect(await next).toMatchObject({ done: false, value: { order: { id: DEMO_ORDERS.gracePaid } } });
    await again.return?.();
  });
});
