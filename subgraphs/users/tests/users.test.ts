import { DEMO_USERS } from '@supergraph/demo-data';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import type { Identity } from '@supergraph/service-kit/auth';
import { ADA, errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { DUMMY_PASSWORD_HASH } from './fixtures.ts';
import { usersSubgraph } from '../src/subgraph.ts';
import {
  MeAndUserDocument,
  MeDocument,
  UpdateMeDocument,
  UserDocument,
  UserWithEmailDocument,
  UsersDocument,
} from './generated/operations.ts';

const [, grace, alan] = DEMO_USERS;
const UNKNOWN_ID = '9b2f4d0e-5c1a-4e7b-8f3d-2a6c1e9b7d40';

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'users');
});
afterAll(async () => {
  await h?.close();
});

const UNAUTHENTICATED = (path: string[]) => ({
  message: 'You must be logged in to do this.',
  path,
  extensions: { code: 'UNAUTHENTICATED' },
});

describe('me', () => {
  it('is null for an anonymous caller', async () => {
    const res = await h.call(MeDocument, {});

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: null } });
  });

  it("returns the caller's own profile, email included", async () => {
    const res = await h.call(MeDocument, {}, GRACE);

    expect(res.body).toEqual({
      data: {
        me: {
          id: grace.id,
          email: grace.email,
          name: grace.name,
          role: 'CUSTOMER',
          createdAt: '2026-01-01T09:01:00.000Z',
        },
      },
    });
  });

  it('is null when the caller signed by the gateway no longer exists', async () => {
    const res = await h.call(MeDocument, {}, { userId: UNKNOWN_ID, role: 'CUSTOMER' });

    expect(res.body).toEqual({ data: { me: null } });
  });
});

describe('user(id)', () => {
  it('requires a logged-in caller', async () => {
    const res = await h.call(UserDocument, { id: grace.id });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: null });
    expect(errorsOf(res)).toEqual([UNAUTHENTICATED(['user'])]);
  });

  it('keeps the rest of an anonymous response: HTTP 200, me null, user null with the error', async () => {
    const res = await h.call(MeAndUserDocument, { id: grace.id });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: null, user: null });
    expect(errorsOf(res)).toEqual([UNAUTHENTICATED(['user'])]);
  });

  it('returns another user without their email to a customer', async () => {
    const res = await h.call(UserDocument, { id: alan.id }, GRACE);

    expect(res.body).toEqual({ data: { user: { id: alan.id, name: alan.name, role: 'CUSTOMER' } } });
  });

  it('is null for an unknown uuid', async () => {
    const res = await h.call(UserDocument, { id: UNKNOWN_ID }, GRACE);

    expect(res.body).toEqual({ data: { user: null } });
  });

  it.each(['abc', '', '00000000-0000-4000-8000-00000000000', "1' or '1'='1"])(
    'is null for the non-uuid id %j, not an internal error',
    async (id) => {
      const res = await h.call(UserDocument, { id }, GRACE);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { user: null } });
    },
  );

  it("refuses another user's email to a customer with FORBIDDEN on that field, and still returns the name", async () => {
    const res = await h.call(UserWithEmailDocument, { id: alan.id }, GRACE);

    expect(errorsOf(res)).toEqual([
      {
        message: 'You can only see your own email address.',
        path: ['user', 'email'],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
    expect(res.body.data).toEqual({ user: { id: alan.id, name: alan.name, email: null } });
  });

  it('shows a customer their own email', async () => {
    const res = await h.call(UserWithEmailDocument, { id: grace.id }, GRACE);

    expect(res.body).toEqual({ data: { user: { id: grace.id, name: grace.name, email: grace.email } } });
  });

  it("shows an admin anyone's email", async () => {
    const res = await h.call(UserWithEmailDocument, { id: alan.id }, ADA);

    expect(res.body).toEqual({ data: { user: { id: alan.id, name: alan.name, email: alan.email } } });
  });
});

describe('users', () => {
  it('is refused to a customer with FORBIDDEN', async () => {
    const res = await h.call(UsersDocument, { first: 2 }, GRACE);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      { message: 'Only administrators can do this.', path: ['users'], extensions: { code: 'FORBIDDEN' } },
    ]);
  });

  it('is refused to an anonymous caller with UNAUTHENTICATED', async () => {
    const res = await h.call(UsersDocument, { first: 2 });

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([UNAUTHENTICATED(['users'])]);
  });
});

describe('updateMe', () => {
  // A user of these tests' own, so renaming never disturbs the demo users other tests read.
  let margaret: NonNullable<Identity>;
  beforeAll(async () => {
    const [row] = await h.database.db
      .insert(users)
      .values({ email: 'margaret@example.com', name: 'Margaret Hamilton', passwordHash: DUMMY_PASSWORD_HASH })
      .returning();
    margaret = { userId: row!.id, role: 'CUSTOMER' };
  });
  const storedName = async (id: string) => {
    const [row] = await h.database.db.select({ name: users.name }).from(users).where(eq(users.id, id));
    return row?.name;
  };

  it("changes the caller's name, trimmed, and stores it", async () => {
    const res = await h.call(UpdateMeDocument, { input: { name: '  Margaret H. Hamilton ' } }, margaret);

    expect(res.body).toEqual({ data: { updateMe: { id: margaret.userId, name: 'Margaret H. Hamilton' } } });
    expect(await storedName(margaret.userId)).toBe('Margaret H. Hamilton');
    const me = await h.call(MeDocument, {}, margaret);
    expect(me.body.data).toEqual({ me: expect.objectContaining({ name: 'Margaret H. Hamilton' }) });
  });

  it('changes only the caller, never anyone else', async () => {
    await h.call(UpdateMeDocument, { input: { name: 'Margaret Hamilton' } }, margaret);

    const rows = await h.database.db
      .select({ id: users.id, name: users.name })
      .from(users)
      .orderBy(users.createdAt);
    expect(rows).toEqual([
      ...DEMO_USERS.map(({ id, name }) => ({ id, name })),
      { id: margaret.userId, name: 'Margaret Hamilton' },
    ]);
  });

  it.each([
    { rule: 'an empty name', name: '', message: 'name must not be empty' },
    { rule: 'a name of only spaces', name: '   ', message: 'name must not be empty' },
    {
      rule: 'a name of 101 characters',
      name: 'n'.repeat(101),
      message: 'name must be at most 100 characters',
    },
  ])('rejects $rule with BAD_USER_INPUT on name and keeps the stored name', async ({ name, message }) => {
    const before = await storedName(margaret.userId);
    const res = await h.call(UpdateMeDocument, { input: { name } }, margaret);

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      { message, path: ['updateMe'], extensions: { code: 'BAD_USER_INPUT', field: 'name' } },
    ]);
    expect(await storedName(margaret.userId)).toBe(before);
  });

  it('requires a logged-in caller', async () => {
    const res = await h.call(UpdateMeDocument, { input: { name: 'Nobody' } });

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([UNAUTHENTICATED(['updateMe'])]);
  });

  it.each([
    { given: 'name: null', input: { name: null } },
    { given: 'no name at all', input: {} },
  ])('keeps the name unchanged when given $given', async ({ input }) => {
    const before = await storedName(margaret.userId);
    const res = await h.call(UpdateMeDocument, { input }, margaret);

    expect(res.body).toEqual({ data: { updateMe: { id: margaret.userId, name: before } } });
    expect(await storedName(margaret.userId)).toBe(before);
  });

  it('answers NOT_FOUND when the signed caller no longer exists', async () => {
    const res = await h.call(
      UpdateMeDocument,
      { input: { name: 'Ghost' } },
      { userId: UNKNOWN_ID, role: 'CUSTOMER' },
    );

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      { message: 'Your account no longer exists.', path: ['updateMe'], extensions: { code: 'NOT_FOUND' } },
    ]);
  });
});
