import {
  ANONYMOUS,
  errorsOf,
  GRACE,
  healthOf,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { GATEWAY_REJECTION } from '@supergraph/subgraph-testing/forged-tokens';
import type { GraphQLResponse } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogSubgraph } from '../src/subgraph.ts';
import { ACTIVE_DEMO_PRODUCTS, ARCHIVED, COBOL, KEYBOARD, UNKNOWN_ID } from './fixtures.ts';
import {
  ProductDocument,
  ProductEntitiesDocument,
  ProductsDocument,
  ServiceDocument,
  type ProductsQuery,
} from './generated/operations.ts';

let h: Started<typeof catalogSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(catalogSubgraph, 'products');
});
afterAll(async () => {
  await h?.close();
});

const skusOf = (res: { body: { data?: { products: { edges: { node: { sku: string } }[] } } | null } }) =>
  res.body.data!.products.edges.map((edge) => edge.node.sku);

describe('Query.product', () => {
  it('returns a product to anyone, anonymous callers included, with its price in minor units', async () => {
    const res = await h.call(ProductDocument, { id: KEYBOARD.id }, ANONYMOUS);

    expect(res.body).toEqual({
      data: {
        product: {
          id: KEYBOARD.id,
          sku: 'KB-MECH',
          name: 'Mechanical keyboard',
          description: 'Tactile switches, full size.',
          price: { amount: 12900, currency: 'EUR' },
          active: true,
          createdAt: expect.stringMatching(/^2026-01-01T09:/),
        },
      },
    });
  });

  it('returns an archived product too, with active false', async () => {
    const res = await h.call(ProductDocument, { id: ARCHIVED.id }, GRACE);

    expect(res.body.data?.product).toMatchObject({ id: ARCHIVED.id, sku: 'FLOPPY-8IN', active: false });
  });

  it('is null for an unknown id and for an id that is not a uuid', async () => {
    const unknown = await h.call(ProductDocument, { id: UNKNOWN_ID }, ANONYMOUS);
    const malformed = await h.call(ProductDocument, { id: 'not-a-uuid' }, ANONYMOUS);

    expect([unknown.body, malformed.body]).toEqual([
      { data: { product: null } },
      { data: { product: null } },
    ]);
  });
});

describe('Query.products', () => {
  it('lists the active products oldest first, for anyone, leaving archived ones out', async () => {
    const res = await h.call(ProductsDocument, { first: 100 }, ANONYMOUS);

    expect(res.body.errors).toBeUndefined();
    expect(skusOf(res)).toEqual(ACTIVE_DEMO_PRODUCTS.map((product) => product.sku));
    expect(res.body.data!.products.pageInfo.hasNextPage).toBe(false);
  });

  it('pages with opaque cursors: every active product exactly once, in order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const res: GraphQLResponse<ProductsQuery> = await h.call(
        ProductsDocument,
        { first: 5, after },
        ANONYMOUS,
      );
      expect(res.body.errors).toBeUndefined();
      const { edges, pageInfo } = res.body.data!.products;
      seen.push(...edges.map((edge) => edge.node.sku));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }

    expect(seen).toEqual(ACTIVE_DEMO_PRODUCTS.map((product) => product.sku));
  });

  it('defaults to 20 and answers first: 0 with an empty page', async () => {
    const defaulted = await h.call(ProductsDocument, {}, ANONYMOUS);
    const none = await h.call(ProductsDocument, { first: 0 }, ANONYMOUS);

    expect(skusOf(defaulted)).toHaveLength(ACTIVE_DEMO_PRODUCTS.length);
    expect(none.body.data?.products).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, endCursor: null },
    });
  });

  it('searches name and SKU, whatever the case, with % and _ taken literally', async () => {
    const byName = await h.call(ProductsDocument, { search: '  pEn ' }, ANONYMOUS);
    const bySku = await h.call(ProductsDocument, { search: 'cobol' }, ANONYMOUS);
    const wildcard = await h.call(ProductsDocument, { search: '%' }, ANONYMOUS);
    const archived = await h.call(ProductsDocument, { search: 'floppy' }, ANONYMOUS);
    const blank = await h.call(ProductsDocument, { search: '   ' }, ANONYMOUS);

    expect(skusOf(byName)).toEqual(['PEN-RED']);
    expect(skusOf(bySku)).toEqual([COBOL.sku]);
    expect(skusOf(wildcard)).toEqual([]);
    expect(skusOf(archived)).toEqual([]);
    expect(skusOf(blank)).toHaveLength(ACTIVE_DEMO_PRODUCTS.length);
  });

  it('refuses first outside 0..100, a forged cursor and an overlong search with BAD_USER_INPUT naming the argument', async () => {
    const tooMany = await h.call(ProductsDocument, { first: 101 }, ANONYMOUS);
    const forged = await h.call(ProductsDocument, { after: 'bm90LWEtY3Vyc29y' }, ANONYMOUS);
    const long = await h.call(ProductsDocument, { search: 'x'.repeat(101) }, ANONYMOUS);

    expect([tooMany, forged, long].map((res) => errorsOf(res).map((error) => error.extensions))).toEqual([
      [{ code: 'BAD_USER_INPUT', field: 'first' }],
      [{ code: 'BAD_USER_INPUT', field: 'after' }],
      [{ code: 'BAD_USER_INPUT', field: 'search' }],
    ]);
  });
});

describe('federation', () => {
  it('serves its SDL to the gateway with Product as an entity keyed by id and a shareable Money', async () => {
    const res = await h.call(ServiceDocument, {});

    expect(res.body.errors).toBeUndefined();
    const sdl = res.body.data!._service.sdl;
    expect(sdl).toMatch(/type Product\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Money\s+@shareable/);
  });

  it('resolves many Product references with one SQL statement, archived ones included, null for unknown ids', async () => {
    h.counter.reset();
    const res = await h.call(
      ProductEntitiesDocument,
      {
        representations: [COBOL.id, UNKNOWN_ID, ARCHIVED.id, 'not-a-uuid'].map((id) => ({
          __typename: 'Product',
          id,
        })),
      },
      ANONYMOUS,
    );

    expect(res.body).toEqual({
      data: {
        _entities: [
          {
            __typename: 'Product',
            id: COBOL.id,
            sku: COBOL.sku,
            name: COBOL.name,
            price: { amount: 3999, currency: 'USD' },
            active: true,
          },
          null,
          {
            __typename: 'Product',
            id: ARCHIVED.id,
            sku: ARCHIVED.sku,
            name: ARCHIVED.name,
            price: { amount: 500, currency: 'USD' },
            active: false,
          },
          null,
        ],
      },
    });
    expect(h.counter.count).toBe(1);
  });

  it('refuses a request the gateway did not sign with 401', async () => {
    const res = await h.callRaw({ 'content-type': 'application/json' }, { query: '{ __typename }' });

    expect(res).toMatchObject({ status: 401, body: GATEWAY_REJECTION });
  });

  it('answers its health endpoints without a token: live, and ready while the database answers', async () => {
    expect(await healthOf(h.origin)).toEqual({
      live: { status: 200, body: { status: 'ok' } },
      ready: { status: 200, body: { status: 'ready' } },
    });
  });
});
