import { randomUUID } from 'node:crypto';
import type { Identity } from '@supergraph/service-kit/auth';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import { ADA, ANONYMOUS, errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../src/db/schema.ts';
import { catalogSubgraph } from '../src/subgraph.ts';
import { ARCHIVED, COBOL, newProduct, outboxEventsOf, UNKNOWN_ID, UUID } from './fixtures.ts';
import {
  ArchiveProductDocument,
  CreateProductDocument,
  ProductDocument,
  UpdateProductDocument,
  type CreateProductInput,
} from './generated/operations.ts';

let h: Started<typeof catalogSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(catalogSubgraph, 'admin');
});
afterAll(async () => {
  await h?.close();
});

const create = (input: CreateProductInput, identity: Identity = ADA, headers: Record<string, string> = {}) =>
  h.call(CreateProductDocument, { input }, identity, headers);

/** A fresh product created by the admin, for tests about changing one. */
async function created(input: CreateProductInput = newProduct()) {
  const res = await create(input);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createProduct;
}

const extensionsOf = (res: Parameters<typeof errorsOf>[0]) => errorsOf(res).map((error) => error.extensions);

describe('createProduct', () => {
  it('adds an active product with the SKU upper-cased, readable at once, and writes product.created (version 1) to the outbox', async () => {
    const res = await create({
      sku: ' lamp-01 ',
      name: ' Desk lamp ',
      description: ' Warm light. ',
      price: { amount: 2450, currency: 'eur' },
    });

    expect(res.body.errors).toBeUndefined();
    const product = res.body.data!.createProduct;
    expect(product).toEqual({
      id: expect.stringMatching(UUID),
      sku: 'LAMP-01',
      name: 'Desk lamp',
      description: 'Warm light.',
      price: { amount: 2450, currency: 'EUR' },
      active: true,
      createdAt: expect.any(String),
    });
    const read = await h.call(ProductDocument, { id: product.id }, ANONYMOUS);
    expect(read.body.data?.product).toEqual(product);
    expect(await outboxEventsOf(h.database, product.id)).toEqual([
      {
        type: 'product.created',
        version: 1,
        payload: {
          productId: product.id,
          sku: 'LAMP-01',
          name: 'Desk lamp',
          priceAmount: 2450,
          currency: 'EUR',
          active: true,
          version: 1,
        },
      },
    ]);
  });

  it('stores a blank description as none', async () => {
    const product = await created(newProduct({ description: '   ' }));

    expect(product.description).toBeNull();
  });

  it('refuses a SKU that is taken, whatever its case, with BAD_USER_INPUT on sku, and writes nothing', async () => {
    const before = await h.database.db.$count(products);
    const res = await create(newProduct({ sku: COBOL.sku.toLowerCase() }));

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: 'A product with SKU BOOK-COBOL already exists.',
        path: ['createProduct'],
        extensions: { code: 'BAD_USER_INPUT', field: 'sku' },
      },
    ]);
    expect(await h.database.db.$count(products)).toBe(before);
  });

  it.each([
    ['an empty SKU', { sku: ' ' }, 'sku'],
    ['a SKU with spaces', { sku: 'TWO WORDS' }, 'sku'],
    ['a SKU of 65 characters', { sku: 'S'.repeat(65) }, 'sku'],
    ['an empty name', { name: '  ' }, 'name'],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name'],
    ['a NUL in the name', { name: 'a\0b' }, 'name'],
    ['a description of 2001 characters', { description: 'd'.repeat(2001) }, 'description'],
    ['a negative price', { price: { amount: -1, currency: 'USD' } }, 'price.amount'],
    ['an unknown currency', { price: { amount: 100, currency: 'XYZ' } }, 'price.currency'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_case, overrides, field) => {
    const res = await create(newProduct(overrides));

    expect(res.body.data).toBeNull();
    expect(extensionsOf(res)).toEqual([{ code: 'BAD_USER_INPUT', field }]);
  });

  it('is UNAUTHENTICATED for an anonymous caller and FORBIDDEN for a customer, and writes nothing', async () => {
    const before = await h.database.db.$count(products);
    const anonymous = await create(newProduct(), ANONYMOUS);
    const customer = await create(newProduct(), GRACE);

    expect([extensionsOf(anonymous), extensionsOf(customer)]).toEqual([
      [{ code: 'UNAUTHENTICATED' }],
      [{ code: 'FORBIDDEN' }],
    ]);
    expect(await h.database.db.$count(products)).toBe(before);
  });

  it('retried with the same Idempotency-Key, answers the product the first call created and creates no second one', async () => {
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    const input = newProduct();

    const first = await create(input, ADA, key);
    const retry = await create(input, ADA, key);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(await h.database.db.$count(products, eq(products.sku, input.sku))).toBe(1);
    expect(await outboxEventsOf(h.database, first.body.data!.createProduct.id)).toHaveLength(1);
  });
});

describe('updateProduct', () => {
  it('changes the price (and its currency) with a new version and a product.updated event carrying the new state', async () => {
    const product = await created();

    const res = await h.call(
      UpdateProductDocument,
      { id: product.id, input: { price: { amount: 999, currency: 'usd' } } },
      ADA,
    );

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.updateProduct).toEqual({ ...product, price: { amount: 999, currency: 'USD' } });
    const events = await outboxEventsOf(h.database, product.id);
    expect(events.map((event) => [event.type, (event.payload as { version: number }).version])).toEqual([
      ['product.created', 1],
      ['product.updated', 2],
    ]);
    expect(events[1]!.payload).toEqual({
      productId: product.id,
      sku: product.sku,
      name: product.name,
      priceAmount: 999,
      currency: 'USD',
      active: true,
      version: 2,
    });
  });

  it('changes the name and clears the description; omitted and null fields stay as they were', async () => {
    const product = await created();

    const renamed = await h.call(
      UpdateProductDocument,
      { id: product.id, input: { name: 'Renamed', description: null, price: null } },
      ADA,
    );

    expect(renamed.body.data!.updateProduct).toEqual({ ...product, name: 'Renamed', description: null });
  });

  it('writes nothing for changes that change nothing: no new version, no event (a retry is harmless)', async () => {
    const product = await created();
    const same = { name: product.name, price: product.price };

    const first = await h.call(UpdateProductDocument, { id: product.id, input: same }, ADA);
    const empty = await h.call(UpdateProductDocument, { id: product.id, input: {} }, ADA);

    expect([first.body.data?.updateProduct, empty.body.data?.updateProduct]).toEqual([product, product]);
    expect(await outboxEventsOf(h.database, product.id)).toHaveLength(1);
  });

  it('is NOT_FOUND for an unknown or malformed id, BAD_USER_INPUT for an archived product or a bad price', async () => {
    const unknown = await h.call(UpdateProductDocument, { id: UNKNOWN_ID, input: { name: 'x' } }, ADA);
    const malformed = await h.call(UpdateProductDocument, { id: 'nope', input: { name: 'x' } }, ADA);
    const archived = await h.call(UpdateProductDocument, { id: ARCHIVED.id, input: { name: 'x' } }, ADA);
    const badPrice = await h.call(
      UpdateProductDocument,
      { id: COBOL.id, input: { price: { amount: -5, currency: 'USD' } } },
      ADA,
    );

    expect([unknown, malformed, archived, badPrice].map(extensionsOf)).toEqual([
      [{ code: 'NOT_FOUND' }],
      [{ code: 'NOT_FOUND' }],
      [{ code: 'BAD_USER_INPUT', field: 'id' }],
      [{ code: 'BAD_USER_INPUT', field: 'price.amount' }],
    ]);
  });

  it('is UNAUTHENTICATED for an anonymous caller and FORBIDDEN for a customer, and changes nothing', async () => {
    const anonymous = await h.call(UpdateProductDocument, { id: COBOL.id, input: { name: 'x' } }, ANONYMOUS);
    const customer = await h.call(
      UpdateProductDocument,
      { id: COBOL.id, input: { price: { amount: 1, currency: 'USD' } } },
      GRACE,
    );

    expect([extensionsOf(anonymous), extensionsOf(customer)]).toEqual([
      [{ code: 'UNAUTHENTICATED' }],
      [{ code: 'FORBIDDEN' }],
    ]);
    const read = await h.call(ProductDocument, { id: COBOL.id }, ANONYMOUS);
    expect(read.body.data?.product).toMatchObject({
      name: COBOL.name,
      price: { amount: 3999, currency: 'USD' },
    });
  });
});

describe('archiveProduct', () => {
  it('archives with a new version and product.archived; archiving again changes nothing and writes no event', async () => {
    const product = await created();

    const first = await h.call(ArchiveProductDocument, { id: product.id }, ADA);
    const again = await h.call(ArchiveProductDocument, { id: product.id }, ADA);

    expect(first.body.data?.archiveProduct).toEqual({ ...product, active: false });
    expect(again.body.data?.archiveProduct).toEqual({ ...product, active: false });
    const events = await outboxEventsOf(h.database, product.id);
    expect(events.map((event) => event.type)).toEqual(['product.created', 'product.archived']);
    expect(events[1]!.payload).toMatchObject({ active: false, version: 2 });
  });

  it('is NOT_FOUND for an unknown id, UNAUTHENTICATED anonymous, FORBIDDEN for a customer', async () => {
    const unknown = await h.call(ArchiveProductDocument, { id: UNKNOWN_ID }, ADA);
    const anonymous = await h.call(ArchiveProductDocument, { id: COBOL.id }, ANONYMOUS);
    const customer = await h.call(ArchiveProductDocument, { id: COBOL.id }, GRACE);

    expect([unknown, anonymous, customer].map(extensionsOf)).toEqual([
      [{ code: 'NOT_FOUND' }],
      [{ code: 'UNAUTHENTICATED' }],
      [{ code: 'FORBIDDEN' }],
    ]);
    const read = await h.call(ProductDocument, { id: COBOL.id }, ANONYMOUS);
    expect(read.body.data?.product?.active).toBe(true);
  });
});
