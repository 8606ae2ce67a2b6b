import {
  ANONYMOUS,
  errorsOf,
  GRACE,
  healthOf,
  startSubgraph,
  type Started,
} from '@supergraph/subgraph-testing';
import { GATEWAY_REJECTION } from '@supergraph/subgraph-testing/forged-tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../src/db/seed.ts';
import { catalogSubgraph } from '../src/subgraph.ts';
import { CatalogDocument, CatalogEntitiesDocument, ServiceDocument } from './generated/operations.ts';

const [first, second] = DEMO_CATALOG;
/** A well-formed uuid that no catalog has. */
const UNKNOWN_ID = 'a0000000-0000-4000-8000-0000000000ff';

let h: Started<typeof catalogSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(catalogSubgraph, 'catalog');
});
afterAll(async () => {
  await h?.close();
});

describe('Query.catalog', () => {
  it('returns a seeded catalog to a logged-in caller', async () => {
    const res = await h.call(CatalogDocument, { id: first.id }, GRACE);

    expect(res.body).toEqual({
      data: { catalog: { id: first.id, name: first.name, createdAt: first.createdAt.toISOString() } },
    });
  });

  it('is null for an unknown id and for an id that is not a uuid', async () => {
    const unknown = await h.call(CatalogDocument, { id: UNKNOWN_ID }, GRACE);
    const malformed = await h.call(CatalogDocument, { id: 'not-a-uuid' }, GRACE);

    expect([unknown.body, malformed.body]).toEqual([
      { data: { catalog: null } },
      { data: { catalog: null } },
    ]);
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const res = await h.call(CatalogDocument, { id: first.id }, ANONYMOUS);

    expect(res.body.data).toEqual({ catalog: null });
    expect(errorsOf(res)).toEqual([
      {
        message: 'You must be logged in to do this.',
        path: ['catalog'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
  });
});

describe('federation', () => {
  it('serves its SDL to the gateway with Catalog as an entity keyed by id', async () => {
    const res = await h.call(ServiceDocument, {});

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!._service.sdl).toMatch(/type Catalog\s+@key\(fields: "id"\)/);
  });

  it('resolves many Catalog references with one SQL statement, null for unknown ids', async () => {
    h.counter.reset();
    const res = await h.call(
      CatalogEntitiesDocument,
      {
        representations: [first, UNKNOWN_ID, second].map((row) => ({
          __typename: 'Catalog',
          id: typeof row === 'string' ? row : row.id,
        })),
      },
      GRACE,
    );

    expect(res.body).toEqual({
      data: {
        _entities: [
          { __typename: 'Catalog', id: first.id, name: first.name },
          null,
          { __typename: 'Catalog', id: second.id, name: second.name },
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
