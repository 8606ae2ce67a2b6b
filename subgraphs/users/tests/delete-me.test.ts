import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, users } from '../src/db/schema.ts';
import { ADA, errorsOf, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { usersSubgraph } from '../src/subgraph.ts';
import type { Identity } from '@supergraph/service-kit/auth';
import {
  DeleteMeDocument,
  LogInTokenDocument,
  LookupsDocument,
  MeIdDocument,
  RenameMeDocument,
  SignUpUserIdDocument,
  UserEntityTombstonesDocument,
} from './generated/operations.ts';

const PASSWORD = 'correct horse battery';

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'delete_me');
});
afterAll(async () => {
  await h?.close();
});

let counter = 0;
/** Signs up a fresh customer and returns who they are, as the gateway would forward them. */
async function signUp(): Promise<{ id: string; email: string; identity: NonNullable<Identity> }> {
  const email = `deletable-${++counter}-${Date.now()}@example.com`;
  const res = await h.call(SignUpUserIdDocument, {
    input: { email, name: 'Deletable Person', password: PASSWORD },
  });
  expect(res.body.errors).toBeUndefined();
  const id = res.body.data!.signUp.user.id;
  return { id, email, identity: { userId: id, role: 'CUSTOMER' } };
}

const eventsOf = (aggregateId: string) =>
  h.database.db.select().from(outbox).where(eq(outbox.aggregateId, aggregateId)).orderBy(asc(outbox.seq));

describe('the outbox of the users service', () => {
  it('signUp commits a user.registered event with the new account', async () => {
    const { id } = await signUp();

    const [event] = await eventsOf(id);
    expect(event).toMatchObject({
      type: 'user.registered',
      publishedAt: null,
      event: { type: 'user.registered', version: 1, aggregateId: id, payload: { userId: id } },
    });
  });

  it('a refused signUp (email taken) writes no event', async () => {
    const { email } = await signUp();
    const before = await h.database.db.$count(outbox);

    const res = await h.call(SignUpUserIdDocument, {
      input: { email, name: 'Someone Else', password: PASSWORD },
    });

    expect(errorsOf(res)[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await h.database.db.$count(outbox)).toBe(before);
  });

  it('updateMe commits a user.updated event naming the changed field, not its value; no change, no event', async () => {
    const { id, identity } = await signUp();

    await h.call(RenameMeDocument, { name: 'Renamed Person' }, identity);
    await h.call(RenameMeDocument, {}, identity);

    const events = await eventsOf(id);
    expect(events.map((row) => row.type)).toEqual(['user.registered', 'user.updated']);
    expect(events[1]!.event.payload).toEqual({ userId: id, changed: ['name'] });
  });
});

describe('deleteMe', () => {
  it('anonymises the account in place and commits user.deleted with it', async () => {
    const { id, identity } = await signUp();

    const res = await h.call(DeleteMeDocument, {}, identity);

    expect(res.body).toEqual({ data: { deleteMe: true } });
    const [row] = await h.database.db.select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({ email: `deleted:${id}`, name: 'Deleted user', deletedAt: expect.any(Date) });
    expect(row!.passwordHash).not.toMatch(/^scrypt\$/);
    const events = await eventsOf(id);
    expect(events.map((event) => event.type)).toEqual(['user.registered', 'user.deleted']);
    expect(events[1]!.event).toMatchObject({ aggregateId: id, payload: { userId: id } });
  });

  it('leaves nothing to log in with, and frees the email for a new account', async () => {
    const { email, identity } = await signUp();
    await h.call(DeleteMeDocument, {}, identity);

    const logIn = await h.call(LogInTokenDocument, { email, password: PASSWORD });
    expect(errorsOf(logIn)[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');

    const again = await h.call(SignUpUserIdDocument, {
      input: { email, name: 'New Owner', password: PASSWORD },
    });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.signUp.user.id).not.toBe(identity.userId);
  });

  it('hides the account from me, user and users, but resolves it as a tombstone entity for references', async () => {
    const { id, identity } = await signUp();
    await h.call(DeleteMeDocument, {}, identity);

    const asThemselves = await h.call(MeIdDocument, {}, identity);
    expect(asThemselves.body).toEqual({ data: { me: null } });
    const asAdmin = await h.call(LookupsDocument, { id }, ADA);
    expect(asAdmin.body.errors).toBeUndefined();
    expect(asAdmin.body.data!.user).toBeNull();
    expect(asAdmin.body.data!.users.edges.map((edge) => edge.node.id)).not.toContain(id);

    const entities = await h.call(
      UserEntityTombstonesDocument,
      { representations: [{ __typename: 'User', id }] },
      ADA,
    );
    expect(entities.body).toEqual({
      data: { _entities: [{ id, name: 'Deleted user', email: null, role: 'CUSTOMER' }] },
    });
  });

  it('answers NOT_FOUND to a second deleteMe or an updateMe with the deleted account’s still-valid token', async () => {
    const { identity } = await signUp();
    await h.call(DeleteMeDocument, {}, identity);

    for (const res of [
      await h.call(DeleteMeDocument, {}, identity),
      await h.call(RenameMeDocument, { name: 'Ghost' }, identity),
    ]) {
      expect(errorsOf(res)).toEqual([
        expect.objectContaining({
          message: 'Your account no longer exists.',
          extensions: { code: 'NOT_FOUND' },
        }),
      ]);
    }
  });

  it('needs a logged-in caller', async () => {
    const res = await h.call(DeleteMeDocument, {});
    expect(errorsOf(res)[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});
