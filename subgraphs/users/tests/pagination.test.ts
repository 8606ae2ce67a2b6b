import { DEMO_USERS } from '@supergraph/demo-data';
import { encodeCursor } from '@supergraph/service-kit/graphql';
import type { GraphQLResponse } from '@supergraph/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import { ADA, errorsOf, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { DUMMY_PASSWORD_HASH } from './fixtures.ts';
import { usersSubgraph } from '../src/subgraph.ts';
import { UsersDocument, type UsersQuery } from './generated/operations.ts';

const [ada, grace, alan, katherine, edsger] = DEMO_USERS;
/**
 * Besides the demo users (created 2026-01-01 09:00 to 09:04, one a minute): one created before all of them, at
 * a time with milliseconds, and two created in the very same millisecond as Alan, with ids below and above his,
 * so pages must break ties on id. Inserted in an order unlike the sorted one.
 */
const EARLIEST = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  email: 'earliest@example.com',
  createdAt: new Date('2025-12-31T23:59:59.999Z'),
};
const SAME_TIME_LOW = {
  id: '00000000-0000-4000-8000-000000000000',
  email: 'tie.low@example.com',
  createdAt: new Date('2026-01-01T09:02:00.000Z'),
};
const SAME_TIME_HIGH = {
  id: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
  email: 'tie.high@example.com',
  createdAt: new Date('2026-01-01T09:02:00.000Z'),
};
const OLDEST_FIRST = [
  EARLIEST.id,
  ada.id,
  grace.id,
  SAME_TIME_LOW.id,
  alan.id,
  SAME_TIME_HIGH.id,
  katherine.id,
  edsger.id,
];

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'pagination');
  await h.database.db.insert(users).values(
    [SAME_TIME_HIGH, EARLIEST, SAME_TIME_LOW].map((user) => ({
      ...user,
      name: user.email,
      passwordHash: DUMMY_PASSWORD_HASH,
    })),
  );
});
afterAll(async () => {
  await h?.close();
});

/** Follows endCursor until hasNextPage is false; returns every page's ids. */
async function walk(first: number): Promise<{ pages: string[][]; last: UsersQuery['users']['pageInfo'] }> {
  const pages: string[][] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const res: GraphQLResponse<UsersQuery> = await h.call(UsersDocument, { first, after }, ADA);
    expect(res.body.errors).toBeUndefined();
    const { edges, pageInfo } = res.body.data!.users;
    pages.push(edges.map((edge) => edge.node.id));
    expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
    if (!pageInfo.hasNextPage) return { pages, last: pageInfo };
    after = pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('users pagination (admin)', () => {
  it('pages through every user exactly once, oldest first, two at a time', async () => {
    const { pages, last } = await walk(2);

    expect(pages).toEqual([
      [EARLIEST.id, ada.id],
      [grace.id, SAME_TIME_LOW.id],
      [alan.id, SAME_TIME_HIGH.id],
      [katherine.id, edsger.id],
    ]);
    expect(last.hasNextPage).toBe(false);
  });

  it.each([1, 3, 7, 8, 100])('gives the same order whatever the page size (first: %i)', async (first) => {
    const { pages } = await walk(first);

    expect(pages.flat()).toEqual(OLDEST_FIRST);
    expect(pages.slice(0, -1).every((page) => page.length === first)).toBe(true);
  });

  it('returns 20 users when `first` is omitted, and all of them here', async () => {
    const res = await h.call(UsersDocument, {}, ADA);

    expect(res.body.data!.users.edges.map((edge) => edge.node.id)).toEqual(OLDEST_FIRST);
    expect(res.body.data!.users.pageInfo.hasNextPage).toBe(false);
  });

  it('answers an empty page after the last user, keeping the cursor it was given', async () => {
    const lastPage = await h.call(UsersDocument, { first: 100 }, ADA);
    const after = lastPage.body.data!.users.pageInfo.endCursor;
    const res = await h.call(UsersDocument, { first: 2, after }, ADA);

    expect(res.body).toEqual({
      data: { users: { edges: [], pageInfo: { hasNextPage: false, endCursor: after } } },
    });
  });

  it('shows a user created between two page requests on a later page, repeating and skipping nobody', async () => {
    const first = await h.call(UsersDocument, { first: 4 }, ADA);
    const late = { id: 'abcdef00-0000-4000-8000-000000000001', email: 'late@example.com' };
    await h.database.db.insert(users).values({ ...late, name: 'Late', passwordHash: DUMMY_PASSWORD_HASH });
    try {
      const rest = await h.call(
        UsersDocument,
        { first: 100, after: first.body.data!.users.pageInfo.endCursor },
        ADA,
      );

      const seen = [...first.body.data!.users.edges, ...rest.body.data!.users.edges].map(
        (edge) => edge.node.id,
      );
      expect(seen).toEqual([...OLDEST_FIRST, late.id]);
    } finally {
      await h.database.db.delete(users).where(eq(users.id, late.id));
    }
  });

  it.each([
    { first: 101, message: '"first" must be between 0 and 100; got 101.' },
    { first: -1, message: '"first" must be between 0 and 100; got -1.' },
  ])('rejects first: $first with BAD_USER_INPUT on first', async ({ first, message }) => {
    const res = await h.call(UsersDocument, { first }, ADA);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      { message, path: ['users'], extensions: { code: 'BAD_USER_INPUT', field: 'first' } },
    ]);
  });

  it.each([
    { kind: 'garbage', after: 'garbage' },
    { kind: 'base64 of something else', after: Buffer.from('hello').toString('base64url') },
    { kind: 'a cursor with one key', after: encodeCursor(['2026-01-01T09:00:00.000Z']) },
    { kind: 'a cursor of JSON that is not a list', after: Buffer.from('v1:{"a":1}').toString('base64url') },
    { kind: 'a well-formed cursor whose time is not a date', after: encodeCursor(['yesterday', ada.id]) },
    {
      kind: 'a well-formed cursor whose id is not a uuid (never reaching SQL)',
      after: encodeCursor(['2026-01-01T09:00:00.000Z', 'abc']),
    },
  ])('rejects $kind as `after` with BAD_USER_INPUT on after, before any SQL', async ({ after }) => {
    h.counter.reset();
    const res = await h.call(UsersDocument, { first: 2, after }, ADA);

    expect(h.counter.count).toBe(0);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: '"after" is not a cursor this API issued; pass an endCursor back as-is.',
        path: ['users'],
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      },
    ]);
  });
});
