import { print } from 'graphql';
import { DEMO_USERS } from '@supergraph/demo-data';
import { INTERNAL_TOKEN_HEADER, signAccessToken, signInternalToken } from '@supergraph/service-kit/auth';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import { ADA, GRACE, healthOf, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import {
  base64url,
  GATEWAY_REJECTION,
  gatewayClaims,
  hs256,
  now,
} from '@supergraph/subgraph-testing/forged-tokens';
import { usersSubgraph } from '../src/subgraph.ts';
import { MeIdDocument, SignUpTokenDocument } from './generated/operations.ts';

const [ada, grace] = DEMO_USERS;

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'trust');
});
afterAll(async () => {
  await h?.close();
});

const post = (headers: Record<string, string>, body: unknown = { query: print(MeIdDocument) }) =>
  h.callRaw({ 'content-type': 'application/json', ...headers }, body);

describe('requests that do not come from the gateway', () => {
  it('refuses a request without x-internal-token with 401 and executes nothing', async () => {
    const email = 'unsigned@example.com';
    h.counter.reset();
    const res = await post(
      {},
      {
        query: print(SignUpTokenDocument),
        variables: { input: { email, name: 'Unsigned', password: 'correct horse' } },
      },
    );

    expect(res.status).toBe(401);
    expect(res.body).toEqual(GATEWAY_REJECTION);
    expect(h.counter.count).toBe(0);
    expect(await h.database.db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it("creates the user when the same request carries the gateway signature (the refusal is the token's doing)", async () => {
    const email = 'signed@example.com';
    const res = await post(
      { [INTERNAL_TOKEN_HEADER]: await signInternalToken(null, h.env.INTERNAL_SECRET) },
      {
        query: print(SignUpTokenDocument),
        variables: { input: { email, name: 'Signed', password: 'correct horse' } },
      },
    );

    expect(res.status).toBe(200);
    expect(
      await h.database.db.select({ email: users.email }).from(users).where(eq(users.email, email)),
    ).toEqual([{ email }]);
  });

  it('refuses a token signed with another secret', async () => {
    const res = await post({ [INTERNAL_TOKEN_HEADER]: await signInternalToken(ADA, 'x'.repeat(64)) });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(GATEWAY_REJECTION);
  });

  it('refuses a gateway token whose payload was changed to claim another identity', async () => {
    const genuine = await signInternalToken(GRACE, h.env.INTERNAL_SECRET);
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${base64url({ ...claims, sub: ada.id, role: 'ADMIN' })}.${signature}`;

    const res = await post(
      { [INTERNAL_TOKEN_HEADER]: tampered },
      { query: '{ users(first: 1) { edges { node { email } } } }' },
    );

    expect(res.status).toBe(401);
    expect(res.body).toEqual(GATEWAY_REJECTION);
  });

  it('refuses forged identity headers sent without a token', async () => {
    const res = await post(
      { 'x-user-id': ada.id, 'x-user-role': 'ADMIN', authorization: 'Bearer whatever' },
      { query: '{ users(first: 1) { edges { node { email } } } }' },
    );

    expect(res.status).toBe(401);
    expect(res.body).toEqual(GATEWAY_REJECTION);
  });

  it("refuses a client's access token presented as the gateway's token", async () => {
    const accessToken = await signAccessToken(ADA, { secret: h.env.JWT_SECRET, ttlSeconds: 900 });

    const res = await post({ [INTERNAL_TOKEN_HEADER]: accessToken });

    expect(res.status).toBe(401);
  });

  it.each([
    {
      kind: 'an expired token',
      token: () => hs256(gatewayClaims({ iat: now() - 120, exp: now() - 60 }), h.env.INTERNAL_SECRET),
    },
    {
      kind: 'a token for another audience',
      token: () => hs256(gatewayClaims({ aud: 'supergraph' }), h.env.INTERNAL_SECRET),
    },
    {
      kind: 'a token from another issuer',
      token: () => hs256(gatewayClaims({ iss: 'supergraph-users' }), h.env.INTERNAL_SECRET),
    },
    {
      kind: 'an unsigned token (alg none)',
      token: () =>
        `${base64url({ alg: 'none' })}.${base64url(gatewayClaims({ sub: ada.id, role: 'ADMIN' }))}.`,
    },
    {
      kind: 'a token with a user id but no role',
      token: () => hs256(gatewayClaims({ sub: grace.id }), h.env.INTERNAL_SECRET),
    },
    {
      kind: 'a token with an unknown role',
      token: () => hs256(gatewayClaims({ sub: grace.id, role: 'SUPERUSER' }), h.env.INTERNAL_SECRET),
    },
    { kind: 'a token that is not a JWT', token: () => 'not-a-jwt' },
  ])('refuses $kind with 401', async ({ token }) => {
    const res = await post({ [INTERNAL_TOKEN_HEADER]: token() });

    expect(res.status).toBe(401);
    expect(res.body).toEqual(GATEWAY_REJECTION);
  });

  it('accepts a hand-built token with the right issuer, audience and secret (the checks above are not vacuous)', async () => {
    const token = hs256(gatewayClaims({ sub: grace.id, role: 'CUSTOMER' }), h.env.INTERNAL_SECRET);

    const res = await post({ [INTERNAL_TOKEN_HEADER]: token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: { id: grace.id } } });
  });

  it('refuses a GET without a token too', async () => {
    const res = await fetch(`${h.url}?query=${encodeURIComponent(print(MeIdDocument))}`);

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(GATEWAY_REJECTION);
  });
});

describe('health endpoints', () => {
  it('answer without any token: live, and ready while the database answers', async () => {
    expect(await healthOf(h.origin)).toEqual({
      live: { status: 200, body: { status: 'ok' } },
      ready: { status: 200, body: { status: 'ready' } },
    });
  });
});
