import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Identity } from '@supergraph/service-kit/auth';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import { createTestDatabase, type TestDatabase } from '@supergraph/testing';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';
import { ADA, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys, orders, outbox } from '../src/db/schema.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { DEMO_ORDERS, KEYBOARD } from './fixtures.ts';
import { CancelOrderDocument, PlaceOrderDocument, type PlaceOrderInput } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'idempotency');
});
afterAll(async () => {
  await h?.close();
});

const INPUT: PlaceOrderInput = {
  currency: 'EUR',
  items: [{ productId: KEYBOARD.id, quantity: 2 }],
};

/** A gateway-signed call carrying `key` as the Idempotency-Key header. */
function withKey<TData, TVariables extends Record<string, unknown>>(
  key: string | undefined,
  document: TypedDocumentNode<TData, TVariables> | string,
  variables: TVariables,
  identity: Identity,
) {
  const headers: Record<string, string> = key === undefined ? {} : { [IDEMPOTENCY_KEY_HEADER]: key };
  return typeof document === 'string'
    ? h.call<TData>(document, variables, identity, headers)
    : h.call(document, variables, identity, headers);
}

const ordersOf = async (userId: string) => h.database.db.$count(orders, eq(orders.userId, userId));
const placedEventsOf = async (orderId: string) =>
  h.database.db.$count(outbox, and(eq(outbox.type, 'order.placed'), eq(outbox.aggregateId, orderId)));
const codesOf = (errors: { extensions?: Record<string, unknown> }[] | undefined) =>
  errors?.map((error) => [error.extensions?.['code'], error.extensions?.['field']]);

describe('placeOrder with an Idempotency-Key', () => {
  it('a retry with the same key and input answers exactly what the first call did, without a second order or event', async () => {
    const key = randomUUID();
    const before = await ordersOf(ADA.userId);

    const first = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);
    const retry = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(await ordersOf(ADA.userId)).toBe(before + 1);
    expect(await placedEventsOf(first.body.data!.placeOrder.id)).toBe(1);
  });

  it('accepts the key as a structured-field string ("…"), the IETF draft form, as the same key', async () => {
    const key = randomUUID();
    const first = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);
    const retry = await withKey(`"${key}"`, PlaceOrderDocument, { input: INPUT }, ADA);

    expect(retry.body.data?.placeOrder.id).toBe(first.body.data?.placeOrder.id);
  });

  it('refuses the same key with a different input as BAD_USER_INPUT, and places nothing', async () => {
    const key = randomUUID();
    await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);
    const before = await ordersOf(ADA.userId);

    const other = await withKey(key, PlaceOrderDocument, { input: { ...INPUT, currency: 'USD' } }, ADA);

    expect(other.body.data).toBeNull();
    expect(codesOf(other.body.errors)).toEqual([['BAD_USER_INPUT', 'Idempotency-Key']]);
    expect(await ordersOf(ADA.userId)).toBe(before);
  });

  it('keeps keys per caller: another user with the same key places their own order', async () => {
    const key = randomUUID();
    const ada = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);
    const grace = await withKey(key, PlaceOrderDocument, { input: INPUT }, GRACE);

    expect(grace.body.data?.placeOrder.id).toEqual(expect.any(String));
    expect(grace.body.data?.placeOrder.id).not.toBe(ada.body.data?.placeOrder.id);
  });

  it('without a key, each call places an order (no behaviour change for clients that send none)', async () => {
    const before = await ordersOf(ADA.userId);
    await withKey(undefined, PlaceOrderDocument, { input: INPUT }, ADA);
    await withKey(undefined, PlaceOrderDocument, { input: INPUT }, ADA);
    expect(await ordersOf(ADA.userId)).toBe(before + 2);
  });

  it('tells two mutations of one document apart by their response keys, and replays both on a retry', async () => {
    const key = randomUUID();
    const twice = `mutation ($input: PlaceOrderInput!) { a: placeOrder(input: $input) { id } b: placeOrder(input: $input) { id } }`;
    const before = await ordersOf(ADA.userId);

    const first = await withKey<{ a: { id: string }; b: { id: string } }, { input: PlaceOrderInput }>(
      key,
      twice,
      { input: INPUT },
      ADA,
    );
    const retry = await withKey(key, twice, { input: INPUT }, ADA);

    expect(first.body.data?.a.id).not.toBe(first.body.data?.b.id);
    expect(retry.body).toEqual(first.body);
    expect(await ordersOf(ADA.userId)).toBe(before + 2);
  });

  it('concurrent retries with one key wait for the first and all answer its order: one order in all', async () => {
    const key = randomUUID();
    const before = await ordersOf(ADA.userId);

    const answers = await Promise.all(
      Array.from({ length: 6 }, () => withKey(key, PlaceOrderDocument, { input: INPUT }, ADA)),
    );

    const ids = new Set(answers.map((answer) => answer.body.data?.placeOrder.id));
    expect(answers.map((answer) => answer.body.errors)).toEqual(answers.map(() => undefined));
    expect(ids.size).toBe(1);
    expect(await ordersOf(ADA.userId)).toBe(before + 1);
  });

  it('keeps an outcome for 24 hours, and an expired key places a new order', async () => {
    const key = randomUUID();
    const first = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);
    const [row] = await h.database.db
      .select({
        hours: sql<number>`extract(epoch from ${idempotencyKeys.expiresAt} - ${idempotencyKeys.createdAt}) / 3600`,
      })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.caller, ADA.userId), eq(idempotencyKeys.key, key)));
    expect(Number(row!.hours)).toBe(24);

    await h.database.db
      .update(idempotencyKeys)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(idempotencyKeys.key, key));
    const after = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);

    expect(after.body.data?.placeOrder.id).toEqual(expect.any(String));
    expect(after.body.data?.placeOrder.id).not.toBe(first.body.data?.placeOrder.id);
  });

  it('refuses a malformed key as BAD_USER_INPUT before doing anything', async () => {
    const before = await ordersOf(ADA.userId);
    for (const key of ['x'.repeat(256), 'caf\u00e9', '""']) {
      const response = await withKey(key, PlaceOrderDocument, { input: INPUT }, ADA);
      expect(codesOf(response.body.errors)).toEqual([['BAD_USER_INPUT', 'Idempotency-Key']]);
    }
    expect(await ordersOf(ADA.userId)).toBe(before);
  });
});

describe('cancelOrder with an Idempotency-Key', () => {
  it('a retry answers the cancellation again, where a retry without a key is refused as not cancellable', async () => {
    const key = randomUUID();
    const first = await withKey(key, CancelOrderDocument, { id: DEMO_ORDERS.gracePending }, GRACE);
    const retry = await withKey(key, CancelOrderDocument, { id: DEMO_ORDERS.gracePending }, GRACE);
    const keyless = await withKey(undefined, CancelOrderDocument, { id: DEMO_ORDERS.gracePending }, GRACE);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(codesOf(keyless.body.errors)).toEqual([['BAD_USER_INPUT', 'id']]);
    const events = await h.database.db.$count(
      outbox,
      and(eq(outbox.type, 'order.cancelled'), eq(outbox.aggregateId, DEMO_ORDERS.gracePending)),
    );
    expect(events).toBe(1);
  });

  it('keeps no key for a refusal, so the same key may be used once the request can succeed', async () => {
    const key = randomUUID();
    const refused = await withKey(key, CancelOrderDocument, { id: DEMO_ORDERS.graceShipped }, GRACE);
    expect(codesOf(refused.body.errors)).toEqual([['BAD_USER_INPUT', 'id']]);
    expect(await h.database.db.$count(idempotencyKeys, eq(idempotencyKeys.key, key))).toBe(0);
  });
});

// PostgreSQL whatever the run: a retry waits on the first call's row lock, which one-connection PGlite cannot hold.
describe('a retry while the first call still runs (PostgreSQL)', () => {
  let pg: Started<typeof ordersSubgraph>;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('orders_idem_wait', machinePostgresUrl());
    pg = await startSubgraph(ordersSubgraph, 'idempotency_pg', { DATABASE_URL: database.url! });
  });
  afterAll(async () => {
    await pg?.close();
    await database?.drop();
  });

  it('waits up to 5 s for it, then answers IDEMPOTENCY_KEY_IN_USE and places nothing', async () => {
    const key = randomUUID();
    // Another connection holds the key's claim in an open transaction, as a first call still running does.
    const other = postgres(pg.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let claimed!: () => void;
    const claim = new Promise<void>((resolve) => (claimed = resolve));
    const holder = other.begin(async (tx) => {
      await tx`insert into idempotency_keys (caller, key, field, fingerprint, response, expires_at)
               values (${ADA.userId}, ${key}, 'placeOrder', 'running', 'null', now() + interval '1 hour')`;
      claimed();
      await released;
      throw new Error('roll back');
    });
    try {
      await claim;
      const before = await pg.database.db.$count(orders, eq(orders.userId, ADA.userId));
      const retry = await pg.call(PlaceOrderDocument, { input: INPUT }, ADA, {
        [IDEMPOTENCY_KEY_HEADER]: key,
      });

      expect(codesOf(retry.body.errors)).toEqual([['IDEMPOTENCY_KEY_IN_USE', undefined]]);
      expect(await pg.database.db.$count(orders, eq(orders.userId, ADA.userId))).toBe(before);
    } finally {
      release();
      await holder.catch(() => {});
      await other.end();
    }
  }, 20_000);
});
