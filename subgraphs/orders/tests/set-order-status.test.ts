import { randomUUID } from 'node:crypto';
import type { Identity } from '@supergraph/service-kit/auth';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import {
  ADA,
  ALAN,
  ANONYMOUS,
  errorsOf,
  GRACE,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { createTestDatabase, type TestDatabase } from '@supergraph/testing';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders, outbox } from '../src/db/schema.ts';
import type { OrderStatus } from '../src/db/schema.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { DEMO_ORDERS, oneLine, UNKNOWN_ID } from './fixtures.ts';
import { PlaceOrderDocument, SetOrderStatusDocument } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'set_status');
});
afterAll(async () => {
  await h?.close();
});

type Running = Started<typeof ordersSubgraph>;

async function placed(on: Running, customer: Identity = ALAN): Promise<string> {
  const res = await on.call(PlaceOrderDocument, { input: oneLine() }, customer);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.placeOrder.id;
}

const setStatus = (
  on: Running,
  id: string,
  status: OrderStatus,
  identity: Identity = ADA,
  headers: Record<string, string> = {},
) => on.call(SetOrderStatusDocument, { id, status }, identity, headers);

/** An order of Alan's moved through `path` by the admin. */
async function orderAt(on: Running, ...path: OrderStatus[]): Promise<string> {
  const id = await placed(on);
  for (const status of path) expect((await setStatus(on, id, status)).body.errors).toBeUndefined();
  return id;
}

const storedStatus = async (on: Running, id: string) =>
  (await on.database.db.select({ status: orders.status }).from(orders).where(eq(orders.id, id)))[0]?.status;

/** The order's events after order.placed, as `type from→to` / `type reason`. */
async function eventsAfterPlaced(on: Running, id: string): Promise<string[]> {
  const rows = await on.database.db
    .select()
    .from(outbox)
    .where(eq(outbox.aggregateId, id))
    .orderBy(asc(outbox.seq));
  return rows
    .filter((row) => row.type !== 'order.placed')
    .map(({ event }) =>
      event.type === 'order.statusChanged'
        ? `${event.type} ${event.payload.from}→${event.payload.to}`
        : event.type === 'order.cancelled'
          ? `${event.type} ${event.payload.reason}`
          : event.type,
    );
}

const refusal = (from: OrderStatus, to: OrderStatus) => ({
  message: `An order cannot move from ${from} to ${to}; the allowed moves are PENDING → PAID → SHIPPED and PENDING or PAID → CANCELLED.`,
  path: ['setOrderStatus'],
  extensions: { code: 'BAD_USER_INPUT', field: 'status' },
});

describe('setOrderStatus: the allowed moves', () => {
  it.each<[OrderStatus[], OrderStatus, string[]]>([
    [[], 'PAID', ['order.statusChanged PENDING→PAID']],
    [['PAID'], 'SHIPPED', ['order.statusChanged PAID→SHIPPED']],
    [[], 'CANCELLED', ['order.cancelled REQUESTED', 'order.statusChanged PENDING→CANCELLED']],
    [['PAID'], 'CANCELLED', ['order.cancelled REQUESTED', 'order.statusChanged PAID→CANCELLED']],
  ])(
    'a PENDING order moved through %j, then to %s: returns the order and commits its events',
    async (path, to, events) => {
      const id = await orderAt(h, ...path);
      const before = await eventsAfterPlaced(h, id);

      const res = await setStatus(h, id, to);

      expect(res.body).toEqual({
        data: { setOrderStatus: { id, status: to, user: { id: ALAN.userId } } },
      });
      expect(await storedStatus(h, id)).toBe(to);
      expect((await eventsAfterPlaced(h, id)).slice(before.length)).toEqual(events);
    },
  );

  it('writes order.statusChanged with ids and facts only: orderId, userId, from, to', async () => {
    const id = await placed(h);
    await setStatus(h, id, 'PAID');

    const [row] = await h.database.db
      .select()
      .from(outbox)
      .where(sql`${outbox.aggregateId} = ${id} and ${outbox.type} = 'order.statusChanged'`);
    expect(row!.event).toMatchObject({
      type: 'order.statusChanged',
      version: 1,
      aggregateId: id,
      payload: { orderId: id, userId: ALAN.userId, from: 'PENDING', to: 'PAID' },
    });
    expect(Object.keys(row!.event.payload).sort()).toEqual(['from', 'orderId', 'to', 'userId']);
  });
});

describe('setOrderStatus: refused moves change nothing', () => {
  it.each<[OrderStatus[], OrderStatus, OrderStatus]>([
    [[], 'SHIPPED', 'PENDING'],
    [[], 'PENDING', 'PENDING'],
    [['PAID'], 'PAID', 'PAID'],
    [['PAID'], 'PENDING', 'PAID'],
    [['PAID', 'SHIPPED'], 'CANCELLED', 'SHIPPED'],
    [['PAID', 'SHIPPED'], 'PAID', 'SHIPPED'],
    [['CANCELLED'], 'PENDING', 'CANCELLED'],
    [['CANCELLED'], 'PAID', 'CANCELLED'],
  ])(
    'a PENDING order moved through %j, then to %s: BAD_USER_INPUT naming %s and the target',
    async (path, to, from) => {
      const id = await orderAt(h, ...path);
      const before = await eventsAfterPlaced(h, id);

      const res = await setStatus(h, id, to);

      expect(res.body.data).toBeNull();
      expect(errorsOf(res)).toEqual([refusal(from, to)]);
      expect(await storedStatus(h, id)).toBe(from);
      expect(await eventsAfterPlaced(h, id)).toEqual(before);
    },
  );
});

describe('setOrderStatus: who and which order', () => {
  it("is FORBIDDEN to a customer, even for the customer's own order, and changes nothing", async () => {
    const res = await setStatus(h, DEMO_ORDERS.gracePending, 'PAID', GRACE);

    expect(errorsOf(res)).toEqual([
      {
        message: 'Only administrators can do this.',
        path: ['setOrderStatus'],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
    expect(await storedStatus(h, DEMO_ORDERS.gracePending)).toBe('PENDING');
  });

  it('is UNAUTHENTICATED to an anonymous caller', async () => {
    const res = await setStatus(h, DEMO_ORDERS.gracePending, 'PAID', ANONYMOUS);

    expect(errorsOf(res)).toEqual([
      {
        message: 'You must be logged in to do this.',
        path: ['setOrderStatus'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
  });

  it.each([UNKNOWN_ID, 'not-a-uuid'])('is NOT_FOUND for an id no order has (%s)', async (id) => {
    const res = await setStatus(h, id, 'PAID');

    expect(errorsOf(res)).toEqual([
      { message: `No order has id ${id}.`, path: ['setOrderStatus'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });
});

describe('setOrderStatus with an Idempotency-Key', () => {
  it('a retry answers the change again without a second event; a keyless repeat is refused', async () => {
    const id = await placed(h);
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };

    const first = await setStatus(h, id, 'PAID', ADA, key);
    const retry = await setStatus(h, id, 'PAID', ADA, key);
    const keyless = await setStatus(h, id, 'PAID', ADA);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(errorsOf(keyless)).toEqual([refusal('PAID', 'PAID')]);
    expect(await eventsAfterPlaced(h, id)).toEqual(['order.statusChanged PENDING→PAID']);
  });

  it('refuses the same key with another status as BAD_USER_INPUT, changing nothing', async () => {
    const id = await placed(h);
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    await setStatus(h, id, 'PAID', ADA, key);

    const other = await setStatus(h, id, 'CANCELLED', ADA, key);

    expect(errorsOf(other)[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    expect(await storedStatus(h, id)).toBe('PAID');
  });
});

// PostgreSQL whatever the run: real concurrent transactions, and a trigger to make the event write fail.
describe('setOrderStatus on PostgreSQL', () => {
  let pg: Running;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('orders_set_status', machinePostgresUrl());
    pg = await startSubgraph(ordersSubgraph, 'set_status_pg', { DATABASE_URL: database.url! });
  });
  afterAll(async () => {
    await pg?.close();
    await database?.drop();
  });

  it('of two concurrent changes of a PAID order exactly one wins; the other is refused against the winner', async () => {
    for (let round = 0; round < 5; round += 1) {
      const id = await orderAt(pg, 'PAID');

      const [shipped, cancelled] = await Promise.all([
        setStatus(pg, id, 'SHIPPED'),
        setStatus(pg, id, 'CANCELLED'),
      ]);

      const winners = [shipped, cancelled].filter((res) => res.body.errors === undefined);
      expect(winners).toHaveLength(1);
      const final = winners[0]!.body.data!.setOrderStatus.status;
      const loser = final === 'SHIPPED' ? cancelled : shipped;
      expect(errorsOf(loser)).toEqual([refusal(final, final === 'SHIPPED' ? 'CANCELLED' : 'SHIPPED')]);
      expect(await storedStatus(pg, id)).toBe(final);
      const changes = (await eventsAfterPlaced(pg, id)).filter((e) => e.startsWith('order.statusChanged'));
      expect(changes).toEqual(['order.statusChanged PENDING→PAID', `order.statusChanged PAID→${final}`]);
    }
  });

  it('commits the status and its event together: when the event cannot be written, the status stays', async () => {
    const id = await placed(pg);
    await pg.database.db.execute(sql`
      create function refuse_status_events() returns trigger language plpgsql as $$
      begin
        if new.type = 'order.statusChanged' then raise exception 'outbox refuses the event'; end if;
        return new;
      end $$;
      create trigger refuse_status_events before insert on outbox
        for each row execute function refuse_status_events();
    `);
    try {
      const res = await setStatus(pg, id, 'PAID');

      expect(errorsOf(res)).toEqual([
        {
          message: 'Internal server error',
          path: ['setOrderStatus'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(await storedStatus(pg, id)).toBe('PENDING');
      expect(await eventsAfterPlaced(pg, id)).toEqual([]);
    } finally {
      await pg.database.db.execute(sql`
        drop trigger refuse_status_events on outbox;
        drop function refuse_status_events();
      `);
    }
  });
});
