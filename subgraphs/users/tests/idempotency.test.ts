import { randomUUID } from 'node:crypto';
import { verifyAccessToken } from '@supergraph/service-kit/auth';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import { ANONYMOUS, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, users } from '../src/db/schema.ts';
import { usersSubgraph } from '../src/subgraph.ts';
import { SignUpDocument, type SignUpInput } from './generated/operations.ts';

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'idempotency');
});
afterAll(async () => {
  await h?.close();
});

/** An anonymous gateway-signed signUp carrying `key` as the Idempotency-Key header. */
function signUp(key: string | undefined, input: SignUpInput) {
  return h.call(
    SignUpDocument,
    { input },
    ANONYMOUS,
    key === undefined ? {} : { [IDEMPOTENCY_KEY_HEADER]: key },
  );
}

const newAccount = () => ({
  email: `${randomUUID()}@example.com`,
  name: 'Barbara',
  password: 'a long passphrase',
});
const codesOf = (errors: { extensions?: Record<string, unknown> }[] | undefined) =>
  errors?.map((error) => [error.extensions?.['code'], error.extensions?.['field']]);

describe('signUp with an Idempotency-Key', () => {
  it('a retry answers the account the first call created, with a valid token, and creates no second account or event', async () => {
    const key = randomUUID();
    const account = newAccount();

    const first = await signUp(key, account);
    const retry = await signUp(key, account);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body.data?.signUp.user).toEqual(first.body.data?.signUp.user);
    const claims = await verifyAccessToken(retry.body.data!.signUp.token, h.env.JWT_SECRET);
    expect(claims.userId).toBe(first.body.data!.signUp.user.id);
    expect(await h.database.db.$count(users, eq(users.email, account.email))).toBe(1);
    expect(
      await h.database.db.$count(
        outbox,
        and(eq(outbox.type, 'user.registered'), eq(outbox.aggregateId, first.body.data!.signUp.user.id)),
      ),
    ).toBe(1);
  });

  it('refuses the same key with another email, or with another password, as BAD_USER_INPUT', async () => {
    const key = randomUUID();
    const account = newAccount();
    await signUp(key, account);

    const otherEmail = await signUp(key, { ...account, email: `${randomUUID()}@example.com` });
    const otherPassword = await signUp(key, { ...account, password: 'another long passphrase' });

    expect(codesOf(otherEmail.body.errors)).toEqual([['BAD_USER_INPUT', 'Idempotency-Key']]);
    expect(codesOf(otherPassword.body.errors)).toEqual([['BAD_USER_INPUT', 'Idempotency-Key']]);
    expect(otherPassword.body.data).toBeNull();
  });

  it('without a key, a second signUp is refused as an existing email, as before', async () => {
    const account = newAccount();
    await signUp(undefined, account);
    const again = await signUp(undefined, account);
    expect(codesOf(again.body.errors)).toEqual([['BAD_USER_INPUT', 'email']]);
  });

  it('concurrent retries with one key create one account and all answer it', async () => {
    const key = randomUUID();
    const account = newAccount();
    const answers = await Promise.all(Array.from({ length: 4 }, () => signUp(key, account)));

    expect(answers.map((answer) => answer.body.errors)).toEqual(answers.map(() => undefined));
    expect(new Set(answers.map((answer) => answer.body.data?.signUp.user.id)).size).toBe(1);
    expect(await h.database.db.$count(users, eq(users.email, account.email))).toBe(1);
  });
});
