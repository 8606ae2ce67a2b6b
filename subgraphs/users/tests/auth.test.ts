import { DEMO_PASSWORD, DEMO_USERS } from '@supergraph/demo-data';
import { verifyAccessToken } from '@supergraph/service-kit/auth';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import { ADA, errorsOf, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { usersSubgraph } from '../src/subgraph.ts';
import {
  LogInDocument,
  LogInEmailDocument,
  SignUpDocument,
  SignUpWithEmailDocument,
} from './generated/operations.ts';

const [ada, grace] = DEMO_USERS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The claims of a JWT, read without verifying it. */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'auth');
});
afterAll(async () => {
  await h?.close();
});

const rowsWithEmail = (email: string) => h.database.db.select().from(users).where(eq(users.email, email));

describe('signUp', () => {
  it('creates a GRACE and returns an access token for it, signed with JWT_SECRET', async () => {
    const res = await h.call(SignUpDocument, {
      input: { email: 'new.customer@example.com', name: 'New Customer', password: 'correct horse' },
    });

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const { token, user } = res.body.data!.signUp;
    expect(user).toEqual({ id: expect.stringMatching(UUID), name: 'New Customer', role: 'CUSTOMER' });
    await expect(verifyAccessToken(token, h.env.JWT_SECRET)).resolves.toEqual({
      userId: user.id,
      role: 'CUSTOMER',
    });
    const claims = claimsOf(token);
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(h.env.ACCESS_TOKEN_TTL_SECONDS);
  });

  it('issues a token that the internal secret does not verify', async () => {
    const res = await h.call(SignUpDocument, {
      input: { email: 'other.secret@example.com', name: 'Other Secret', password: 'correct horse' },
    });
    await expect(verifyAccessToken(res.body.data!.signUp.token, h.env.INTERNAL_SECRET)).rejects.toThrow(
      'The access token is not valid.',
    );
  });

  it('stores the email trimmed and lower-cased, and the name trimmed', async () => {
    const res = await h.call(SignUpDocument, {
      input: { email: '  Mixed.Case@Example.COM ', name: '  Mixed Case  ', password: 'correct horse' },
    });

    expect(res.body.errors).toBeUndefined();
    const rows = await rowsWithEmail('mixed.case@example.com');
    expect(rows.map(({ id, email, name, role }) => ({ id, email, name, role }))).toEqual([
      {
        id: res.body.data!.signUp.user.id,
        email: 'mixed.case@example.com',
        name: 'Mixed Case',
        role: 'CUSTOMER',
      },
    ]);
  });

  it('stores a scrypt hash that neither equals nor contains the password', async () => {
    const password = 'a very memorable password';
    const res = await h.call(SignUpDocument, {
      input: { email: 'hashed@example.com', name: 'Hashed', password },
    });
    expect(res.body.errors).toBeUndefined();

    const [row] = await rowsWithEmail('hashed@example.com');
    expect(row!.passwordHash).not.toBe(password);
    expect(row!.passwordHash).not.toContain(password);
    expect(row!.passwordHash).not.toContain(Buffer.from(password).toString('base64'));
    expect(row!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  });

  it('salts every hash: the same password gives two different hashes', async () => {
    for (const email of ['same.one@example.com', 'same.two@example.com']) {
      const res = await h.call(SignUpDocument, {
        input: { email, name: 'Same', password: 'shared password' },
      });
      expect(res.body.errors).toBeUndefined();
    }
    const [one] = await rowsWithEmail('same.one@example.com');
    const [two] = await rowsWithEmail('same.two@example.com');
    expect(one!.passwordHash).not.toBe(two!.passwordHash);
  });

  it.each([
    {
      rule: 'a password shorter than 8 characters',
      input: { email: 'short.pw@example.com', name: 'Short', password: '1234567' },
      error: { message: 'password must be at least 8 characters', field: 'password' },
    },
    {
      rule: 'a password longer than 200 characters',
      input: { email: 'long.pw@example.com', name: 'Long', password: 'p'.repeat(201) },
      error: { message: 'password must be at most 200 characters', field: 'password' },
    },
    {
      rule: 'a malformed email',
      input: { email: 'not-an-email', name: 'Malformed', password: 'correct horse' },
      error: { message: 'email must be a well-formed address, like name@example.com', field: 'email' },
    },
    {
      rule: 'an email longer than 254 characters',
      input: { email: `${'a'.repeat(243)}@example.com`, name: 'Long Email', password: 'correct horse' },
      error: { message: 'email must be at most 254 characters', field: 'email' },
    },
    {
      rule: 'an empty name',
      input: { email: 'empty.name@example.com', name: '', password: 'correct horse' },
      error: { message: 'name must not be empty', field: 'name' },
    },
    {
      rule: 'a name of only spaces',
      input: { email: 'blank.name@example.com', name: '   ', password: 'correct horse' },
      error: { message: 'name must not be empty', field: 'name' },
    },
    {
      rule: 'a name of 101 characters',
      input: { email: 'long.name@example.com', name: 'n'.repeat(101), password: 'correct horse' },
      error: { message: 'name must be at most 100 characters', field: 'name' },
    },
  ])('rejects $rule with BAD_USER_INPUT naming the field, and creates nobody', async ({ input, error }) => {
    const res = await h.call(SignUpDocument, { input });

    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: error.message,
        path: ['signUp'],
        extensions: { code: 'BAD_USER_INPUT', field: error.field },
      },
    ]);
    expect(await rowsWithEmail(input.email.trim().toLowerCase())).toEqual([]);
  });

  it('accepts a name of exactly 100 characters and a password of exactly 8', async () => {
    const res = await h.call(SignUpDocument, {
      input: { email: 'boundary@example.com', name: 'n'.repeat(100), password: '12345678' },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.signUp.user.name).toBe('n'.repeat(100));
  });

  it('rejects an email already registered in another case with BAD_USER_INPUT on email', async () => {
    const res = await h.call(SignUpDocument, {
      input: { email: 'GRACE@Example.com', name: 'Impostor', password: 'correct horse' },
    });

    expect(res.body.data).toBeNull();
    expect(errorsOf(res)).toEqual([
      {
        message: 'An account with this email already exists.',
        path: ['signUp'],
        extensions: { code: 'BAD_USER_INPUT', field: 'email' },
      },
    ]);
    const rows = await rowsWithEmail(grace.email);
    expect(rows.map((row) => row.name)).toEqual([grace.name]);
  });

  it('lets the new user read their own email in the signUp payload', async () => {
    const res = await h.call(SignUpWithEmailDocument, {
      input: { email: 'Own.Email@example.com', name: 'Own Email', password: 'correct horse' },
    });

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.signUp.user.email).toBe('own.email@example.com');
  });
});

describe('logIn', () => {
  it('returns a token for the demo admin with role ADMIN', async () => {
    const res = await h.call(LogInDocument, { email: ada.email, password: DEMO_PASSWORD });

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.logIn.user).toEqual({ id: ada.id, name: ada.name, role: 'ADMIN' });
    await expect(verifyAccessToken(res.body.data!.logIn.token, h.env.JWT_SECRET)).resolves.toEqual(ADA);
  });

  it('matches the email case-insensitively and ignores surrounding spaces', async () => {
    const res = await h.call(LogInDocument, {
      email: '  GRACE@EXAMPLE.COM ',
      password: DEMO_PASSWORD,
    });

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.logIn.user).toEqual({ id: grace.id, name: grace.name, role: 'CUSTOMER' });
  });

  it('logs in a user who just signed up, with the password they chose', async () => {
    const signUp = await h.call(SignUpDocument, {
      input: { email: 'returning@example.com', name: 'Returning', password: 'my own password' },
    });
    const res = await h.call(LogInDocument, {
      email: 'returning@example.com',
      password: 'my own password',
    });

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.logIn.user.id).toBe(signUp.body.data!.signUp.user.id);
    await expect(verifyAccessToken(res.body.data!.logIn.token, h.env.JWT_SECRET)).resolves.toEqual({
      userId: signUp.body.data!.signUp.user.id,
      role: 'CUSTOMER',
    });
  });

  it('answers a wrong password and an unknown email with the same UNAUTHENTICATED error', async () => {
    const wrongPassword = await h.call(LogInDocument, { email: grace.email, password: 'not-the-password' });
    const unknownEmail = await h.call(LogInDocument, {
      email: 'nobody@example.com',
      password: DEMO_PASSWORD,
    });

    const expected = [
      {
        message: 'Email or password is incorrect.',
        path: ['logIn'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ];
    expect(errorsOf(wrongPassword)).toEqual(expected);
    expect(errorsOf(unknownEmail)).toEqual(expected);
    expect(wrongPassword.body.data).toBeNull();
    expect(unknownEmail.body.data).toBeNull();
    expect([wrongPassword.status, unknownEmail.status]).toEqual([200, 200]);
  });

  it('lets the user read their own email in the logIn payload', async () => {
    const res = await h.call(LogInEmailDocument, { email: grace.email, password: DEMO_PASSWORD });

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.logIn.user.email).toBe(grace.email);
  });
});
