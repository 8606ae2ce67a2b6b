import { randomUUID } from 'node:crypto';
import { applyOnce, createEvent, SUBSCRIPTIONS, type AnyEvent } from '@supergraph/events';
import {
  declareProbe,
  deleteTopology,
  publishRaw,
  takeAll,
  testAmqpUrl,
  uniquePrefix,
} from '@supergraph/events/testing';
import { type Identity } from '@supergraph/service-kit/auth';
import { createLogger } from '@supergraph/service-kit/logger';
import { eventually } from '@supergraph/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, knownUsers, orders, outbox } from '../src/db/schema.ts';
import { ordersEventHandlers } from '../src/events/handlers.ts';
import { createOrdersEvents } from '../src/events/index.ts';
import { errorsOf, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { KEYBOARD, rowCounts } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { CancelOrderDocument, PlaceOrderDocument } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'events');
});
afterAll(async () => {
  await h?.close();
});

const ORDER_INPUT = { currency: 'EUR', items: [{ productId: KEYBOARD.id, quantity: 3 }] };

/** A customer the orders service has never heard of. */
const newCustomer = (): NonNullable<Identity> => ({ userId: randomUUID(), role: 'CUSTOMER' });

async function placeOrder(identity: Identity) {
  return h.call(PlaceOrderDocument, { input: ORDER_INPUT }, identity);
}

async function placedOrderId(identity: Identity): Promise<string> {
  const res = await placeOrder(identity);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.placeOrder.id;
}

/** Applies an event as the consumer would, without a broker. */
const apply = (event: AnyEvent) => applyOnce(h.database.db, inbox, 'orders', ordersEventHandlers, event);

const userDeleted = (userId: string) => createEvent('user.deleted', userId, { userId });
const userRegistered = (userId: string) => createEvent('user.registered', userId, { userId });

const outboxOf = (aggregateId: string) =>
  h.database.db.select().from(outbox).where(eq(outbox.aggregateId, aggregateId)).orderBy(asc(outbox.seq));

const orderRow = async (id: string) =>
  (await h.database.db.select().from(orders).where(eq(orders.id, id)))[0]!;

describe('the outbox of the orders service', () => {
  it('placeOrder commits an order.placed event with the order', async () => {
    const customer = newCustomer();
    const orderId = await placedOrderId(customer);

    const [row] = await outboxOf(orderId);
    expect(row?.event).toMatchObject({
      type: 'order.placed',
      aggregateId: orderId,
      payload: { orderId, userId: customer.userId, currency: 'EUR', totalAmount: 3 * 12900, itemCount: 1 },
    });
  });

  it('cancelOrder commits order.cancelled (reason REQUESTED) and order.statusChanged with the cancellation', async () => {
    const customer = newCustomer();
    const orderId = await placedOrderId(customer);

    await h.call(CancelOrderDocument, { id: orderId }, customer);

    const events = await outboxOf(orderId);
    expect(events.map((row) => row.event.type)).toEqual([
      'order.placed',
      'order.cancelled',
      'order.statusChanged',
    ]);
    expect(events[1]!.event.payload).toEqual({ orderId, userId: customer.userId, reason: 'REQUESTED' });
    expect(events[2]!.event.payload).toEqual({
      orderId,
      userId: customer.userId,
      from: 'PENDING',
      to: 'CANCELLED',
    });
  });
});

describe('applying user.deleted', () => {
  it('cancels the PENDING orders, marks every order of the user, and publishes order.cancelled and order.statusChanged for each cancelled one', async () => {
    const customer = newCustomer();
    const pending = await placedOrderId(customer);
    const paid = await placedOrderId(customer);
    await h.database.db.update(orders).set({ status: 'PAID' }).where(eq(orders.id, paid));
    const bystander = await placedOrderId(newCustomer());

    expect(await apply(userDeleted(customer.userId))).toBe('processed');

    expect(await orderRow(pending)).toMatchObject({ status: 'CANCELLED', userDeletedAt: expect.any(Date) });
    expect(await orderRow(paid)).toMatchObject({ status: 'PAID', userDeletedAt: expect.any(Date) });
    expect(await orderRow(bystander)).toMatchObject({ status: 'PENDING', userDeletedAt: null });
    expect((await outboxOf(pending)).map((row) => row.event)).toContainEqual(
      expect.objectContaining({
        type: 'order.cancelled',
        payload: { orderId: pending, userId: customer.userId, reason: 'USER_DELETED' },
      }),
    );
    expect((await outboxOf(pending)).map((row) => row.event)).toContainEqual(
      expect.objectContaining({
        type: 'order.statusChanged',
        payload: { orderId: pending, userId: customer.userId, from: 'PENDING', to: 'CANCELLED' },
      }),
    );
    expect((await outboxOf(paid)).map((row) => row.event.type)).toEqual(['order.placed']);
  });

  it('changes nothing the second time the same event arrives', async () => {
    const customer = newCustomer();
    const pending = await placedOrderId(customer);
    const event = userDeleted(customer.userId);

    expect(await apply(event)).toBe('processed');
    expect(await apply(event)).toBe('duplicate');

    expect((await outboxOf(pending)).map((row) => row.event.type)).toEqual([
      'order.placed',
      'order.cancelled',
      'order.statusChanged',
    ]);
    expect(await h.database.db.$count(inbox, eq(inbox.eventId, event.id))).toBe(1);
  });

  it('makes placeOrder answer FORBIDDEN and write nothing, even for a token issued before the deletion', async () => {
    const customer = newCustomer();
    await apply(userDeleted(customer.userId));
    const before = await rowCounts(h.database);

    const res = await placeOrder(customer);

    expect(errorsOf(res)).toEqual([
      expect.objectContaining({
        message: 'Your account was deleted; it can no longer place orders.',
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    expect(await rowCounts(h.database)).toEqual(before);
  });

  it('is terminal: a user.registered arriving after it (reordered, or redelivered late) does not bring the user back', async () => {
    const customer = newCustomer();
    const deleted = userDeleted(customer.userId);
    // Registered "before" the deletion, but applied after it.
    const registered = createEvent(
      'user.registered',
      customer.userId,
      { userId: customer.userId },
      {
        occurredAt: new Date(Date.parse(deleted.occurredAt) - 60_000),
      },
    );
    await apply(deleted);
    await apply(registered);

    const [known] = await h.database.db
      .select()
      .from(knownUsers)
      .where(eq(knownUsers.userId, customer.userId));
    expect(known?.status).toBe('DELETED');
    expect(errorsOf(await placeOrder(customer))[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('the read model of users', () => {
  it('lets users it never heard of order (demo users, users from before events), and registered ones too', async () => {
    const unknown = newCustomer();
    const registered = newCustomer();
    await apply(userRegistered(registered.userId));

    expect((await placeOrder(unknown)).body.errors).toBeUndefined();
    expect((await placeOrder(registered)).body.errors).toBeUndefined();
    const [known] = await h.database.db
      .select()
      .from(knownUsers)
      .where(eq(knownUsers.userId, registered.userId));
    expect(known?.status).toBe('ACTIVE');
  });
});

describe('the orders service’s consumer and relay, over RabbitMQ', () => {
  const url = testAmqpUrl();
  const prefix = uniquePrefix('orders');
  const logger = createLogger('orders', 'silent');

  afterAll(async () => {
    await deleteTopology(url, prefix, ['orders', 'probe']);
  });

  it('consumes user.deleted from its queue and publishes the resulting order.cancelled', async () => {
    const events = createOrdersEvents({
      env: { ...h.env, AMQP_URL: url, EVENTS_PREFIX: prefix, OUTBOX_POLL_INTERVAL_MS: 20 },
      logger,
      database: h.database,
    });
    expect(events.enabled).toBe(true);
    const probe = await declareProbe(url, prefix, 'probe', ['order.cancelled']);
    const customer = newCustomer();
    const pending = await placedOrderId(customer);
    await events.start();
    try {
      await events.consumer!.waitForConnect();
      const deleted = userDeleted(customer.userId);
      await publishRaw(url, prefix, deleted.type, JSON.stringify(deleted), { messageId: deleted.id });

      await eventually(async () => expect((await orderRow(pending)).status).toBe('CANCELLED'));
      const received: Awaited<ReturnType<typeof takeAll>> = [];
      await eventually(async () => {
        received.push(...(await takeAll(url, probe)));
        expect(received.map((message) => JSON.parse(message.body).aggregateId)).toContain(pending);
      });
    } finally {
      await events.stop();
    }
  });
});

describe('subscriptions', () => {
  it('handles exactly the event types its queue is declared for (producers declare it from SUBSCRIPTIONS)', () => {
    expect(Object.keys(ordersEventHandlers).sort()).toEqual([...SUBSCRIPTIONS.orders].sort());
  });
});
