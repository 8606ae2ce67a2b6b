import { randomUUID } from 'node:crypto';
import { applyOnce, createEvent, type AnyEvent } from '@supergraph/events';
import { deleteTopology, publishRaw, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { createLogger } from '@supergraph/service-kit/logger';
import { errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { eventually } from '@supergraph/testing';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, knownProducts } from '../src/db/schema.ts';
import { ordersEventHandlers } from '../src/events/handlers.ts';
import { createOrdersEvents } from '../src/events/index.ts';
import type { ProductFacts } from '../src/orders/known-products.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { rowCounts } from './fixtures.ts';
import { PlaceOrderDocument } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'known_products');
});
afterAll(async () => {
  await h?.close();
});

/** A product's history as the catalog would publish it: created (v1), repriced (v2), renamed (v3), archived (v4). */
function historyOf(productId = randomUUID()) {
  const facts = (changes: Partial<ProductFacts>): ProductFacts => ({
    productId,
    sku: 'HIST-1',
    name: 'Kettle',
    priceAmount: 3000,
    currency: 'EUR',
    active: true,
    version: 1,
    ...changes,
  });
  const at = (minute: number) => ({ occurredAt: new Date(Date.UTC(2026, 2, 1, 12, minute)) });
  return {
    productId,
    created: createEvent('product.created', productId, facts({}), at(0)),
    repriced: createEvent('product.updated', productId, facts({ priceAmount: 3500, version: 2 }), at(1)),
    renamed: createEvent(
      'product.updated',
      productId,
      facts({ priceAmount: 3500, name: 'Electric kettle', version: 3 }),
      at(2),
    ),
    archived: createEvent(
      'product.archived',
      productId,
      facts({ priceAmount: 3500, name: 'Electric kettle', active: false, version: 4 }),
      at(3),
    ),
  };
}

/** Applies an event as the consumer does (inbox and handler in one transaction), without a broker. */
const apply = (event: AnyEvent) => applyOnce(h.database.db, inbox, 'orders', ordersEventHandlers, event);

const knownProduct = async (productId: string) =>
  (await h.database.db.select().from(knownProducts).where(eq(knownProducts.productId, productId)))[0];

const orderOne = (productId: string) =>
  h.call(PlaceOrderDocument, { input: { currency: 'EUR', items: [{ productId, quantity: 1 }] } }, GRACE);

describe('the read model of products', () => {
  it('records a created product, which can then be ordered at its price', async () => {
    const { productId, created } = historyOf();

    expect(await apply(created)).toBe('processed');

    expect(await knownProduct(productId)).toEqual({
      productId,
      sku: 'HIST-1',
      name: 'Kettle',
      unitPrice: 3000,
      currency: 'EUR',
      active: true,
      version: 1,
      since: new Date(created.occurredAt),
    });
    const res = await orderOne(productId);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.placeOrder.total).toEqual({ amount: 3000, currency: 'EUR' });
  });

  it('changes nothing when an event is delivered again (the inbox knows it)', async () => {
    const { productId, created, repriced } = historyOf();
    await apply(created);
    await apply(repriced);

    expect(await apply(repriced)).toBe('duplicate');
    expect(await apply(created)).toBe('duplicate');

    expect(await knownProduct(productId)).toMatchObject({ unitPrice: 3500, version: 2 });
    expect(await h.database.db.$count(inbox, eq(inbox.eventId, repriced.id))).toBe(1);
  });

  it('ends at the newest version whatever order the events arrive in: an older version never overwrites a newer one', async () => {
    const { productId, created, repriced, renamed } = historyOf();

    for (const event of [renamed, created, repriced]) expect(await apply(event)).toBe('processed');

    expect(await knownProduct(productId)).toMatchObject({
      name: 'Electric kettle',
      unitPrice: 3500,
      version: 3,
      since: new Date(renamed.occurredAt),
    });
    const res = await orderOne(productId);
    expect(res.body.data!.placeOrder.items[0]).toMatchObject({
      name: 'Electric kettle',
      unitPrice: { amount: 3500, currency: 'EUR' },
    });
  });

  it('keeps an archived product archived when an older update arrives late, and refuses to order it, writing nothing', async () => {
    const { productId, created, repriced, archived } = historyOf();
    await apply(created);
    await apply(archived);
    await apply(repriced);
    const before = await rowCounts(h.database);

    const res = await orderOne(productId);

    expect(await knownProduct(productId)).toMatchObject({ active: false, version: 4 });
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: `items[0]: product ${productId} (HIST-1) is archived and can no longer be ordered.`,
        path: ['placeOrder'],
        extensions: { code: 'BAD_USER_INPUT', field: 'items.0.productId' },
      },
    ]);
    expect(await rowCounts(h.database)).toEqual(before);
  });

  it('refuses a product it has not heard of yet, and accepts it once its product.created arrives', async () => {
    const { productId, created } = historyOf();

    const early = await orderOne(productId);
    await apply(created);
    const later = await orderOne(productId);

    expect(errorsOf(early)).toEqual([
      expect.objectContaining({
        message: `items[0]: product ${productId} is not for sale (unknown product).`,
        extensions: { code: 'BAD_USER_INPUT', field: 'items.0.productId' },
      }),
    ]);
    expect(later.body.errors).toBeUndefined();
  });
});

describe('product events over RabbitMQ', () => {
  const url = testAmqpUrl();
  const prefix = uniquePrefix('orders_products');
  const logger = createLogger('orders', 'silent');

  afterAll(async () => {
    await deleteTopology(url, prefix, ['orders']);
  });

  it('consumed from its queue reordered and redelivered, leave the read model at the newest version', async () => {
    const events = createOrdersEvents({
      env: { ...h.env, AMQP_URL: url, EVENTS_PREFIX: prefix, OUTBOX_POLL_INTERVAL_MS: 20 },
      logger,
      database: h.database,
    });
    const { productId, created, repriced, renamed } = historyOf();
    await events.start();
    try {
      await events.consumer!.waitForConnect();
      for (const event of [renamed, repriced, created, renamed, created]) {
        await publishRaw(url, prefix, event.type, JSON.stringify(event), { messageId: event.id });
      }

      // Three events applied once each, the two redeliveries recognised as duplicates.
      const ids = [created.id, repriced.id, renamed.id];
      await eventually(async () => {
        expect(await h.database.db.$count(inbox, inArray(inbox.eventId, ids))).toBe(3);
        expect(events.consumer!.stats.duplicates).toBe(2);
      });
      expect(await knownProduct(productId)).toMatchObject({ name: 'Electric kettle', version: 3 });
    } finally {
      await events.stop();
    }
  });
});
