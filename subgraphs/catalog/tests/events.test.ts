import { createLogger } from '@supergraph/service-kit/logger';
import { declareProbe, deleteTopology, takeAll, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { ADA, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogEvents } from '../src/events/index.ts';
import { catalogSubgraph } from '../src/subgraph.ts';
import { newProduct } from './fixtures.ts';
import {
  ArchiveProductDocument,
  CreateProductDocument,
  UpdateProductDocument,
} from './generated/operations.ts';

const url = testAmqpUrl();
const prefix = uniquePrefix('catalog');
const logger = createLogger('catalog', 'silent');

let h: Started<typeof catalogSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(catalogSubgraph, 'events');
});
afterAll(async () => {
  await h?.close();
  await deleteTopology(url, prefix, ['probe']);
});

describe('the catalog service’s events', () => {
  it('are off without AMQP_URL: nothing connects, and the service keeps writing them to the outbox', async () => {
    const events = createCatalogEvents({ env: h.env, logger, database: h.database });
    expect(events.enabled).toBe(false);
    await events.start();
    await events.stop();
  });

  it('are published by the relay in the order of the changes, each with the product’s state and version', async () => {
    const probe = await declareProbe(url, prefix, 'probe', ['product.*']);
    const events = createCatalogEvents({
      env: { ...h.env, AMQP_URL: url, EVENTS_PREFIX: prefix, OUTBOX_POLL_INTERVAL_MS: 20 },
      logger,
      database: h.database,
    });
    await events.start();
    try {
      const created = await h.call(CreateProductDocument, { input: newProduct() }, ADA);
      const id = created.body.data!.createProduct.id;
      await h.call(UpdateProductDocument, { id, input: { price: { amount: 2000, currency: 'EUR' } } }, ADA);
      await h.call(ArchiveProductDocument, { id }, ADA);

      const received: Awaited<ReturnType<typeof takeAll>> = [];
      await eventually(async () => {
        received.push(...(await takeAll(url, probe)));
        expect(received).toHaveLength(3);
      });
      expect(
        received.map((message) => {
          const event = JSON.parse(message.body) as { type: string; aggregateId: string; payload: object };
          return { type: event.type, aggregateId: event.aggregateId, payload: event.payload };
        }),
      ).toEqual([
        {
          type: 'product.created',
          aggregateId: id,
          payload: expect.objectContaining({ priceAmount: 1500, active: true, version: 1 }),
        },
        {
          type: 'product.updated',
          aggregateId: id,
          payload: expect.objectContaining({ priceAmount: 2000, active: true, version: 2 }),
        },
        {
          type: 'product.archived',
          aggregateId: id,
          payload: expect.objectContaining({ priceAmount: 2000, active: false, version: 3 }),
        },
      ]);
    } finally {
      await events.stop();
    }
  });
});
