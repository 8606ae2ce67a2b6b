import { print } from 'graphql';
import { INTERNAL_TOKEN_HEADER, signInternalToken, signStreamToken } from '@supergraph/service-kit/auth';
import { testSecrets } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, GRACE, healthOf, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import {
  base64url,
  GATEWAY_REJECTION,
  gatewayClaims,
  hs256,
  now,
} from '@supergraph/subgraph-testing/forged-tokens';
import { rowCounts, oneLine } from './fixtures.ts';
import { ordersSubgraph } from '../src/subgraph.ts';
import { OrderIdsDocument, PlaceOrderDocument, ServiceDocument } from './generated/operations.ts';

let h: Started<typeof ordersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(ordersSubgraph, 'trust');
});
afterAll(async () => {
  await h?.close();
});

/** The claims the gateway signs for grace. */
const graceClaims = () => gatewayClaims({ role: 'CUSTOMER', sub: GRACE.userId });

const placeOrderBody = { query: print(PlaceOrderDocument), variables: { input: oneLine() } };

describe('the gateway signature', () => {
  const cases: { behaviour: string; headers: () => Promise<Record<string, string>> }[] = [
    { behaviour: 'no x-internal-token header', headers: async () => ({}) },
    { behaviour: 'an empty x-internal-token', headers: async () => ({ [INTERNAL_TOKEN_HEADER]: '' }) },
    {
      behaviour: 'a token that is not a JWT',
      headers: async () => ({ [INTERNAL_TOKEN_HEADER]: 'not-a-jwt' }),
    },
    {
      behaviour: 'a token signed with another secret',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: await signInternalToken(GRACE, testSecrets().INTERNAL_SECRET),
      }),
    },
    {
      behaviour: 'an anonymous token signed with another secret',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: await signInternalToken(null, testSecrets().INTERNAL_SECRET),
      }),
    },
    {
      behaviour: 'a token whose payload was changed after signing (CUSTOMER → ADMIN)',
      headers: async () => {
        const [header, , signature] = (await signInternalToken(GRACE, h.env.INTERNAL_SECRET)).split('.');
        const forged = base64url({ ...graceClaims(), role: 'ADMIN' });
        return { [INTERNAL_TOKEN_HEADER]: `${header}.${forged}.${signature}` };
      },
    },
    {
      behaviour: 'an expired token',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: hs256(
          { ...graceClaims(), iat: now() - 600, exp: now() - 300 },
          h.env.INTERNAL_SECRET,
        ),
      }),
    },
    {
      behaviour: 'a token from another issuer',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: hs256({ ...graceClaims(), iss: 'supergraph-users' }, h.env.INTERNAL_SECRET),
      }),
    },
    {
      behaviour: 'a token for another audience (a client access token)',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: hs256({ ...graceClaims(), aud: 'supergraph' }, h.env.INTERNAL_SECRET),
      }),
    },
    {
      behaviour: 'a subscription connection’s token (its own audience, valid as long as the client’s token)',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: await signStreamToken(GRACE, h.env.INTERNAL_SECRET, Date.now() + 3_600_000),
      }),
    },
    {
      behaviour: 'an unsigned token (alg none)',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(graceClaims())}.`,
      }),
    },
    {
      behaviour: 'a token with a role but no subject',
      headers: async () => {
        const { sub: _sub, ...claims } = graceClaims();
        return { [INTERNAL_TOKEN_HEADER]: hs256(claims, h.env.INTERNAL_SECRET) };
      },
    },
    {
      behaviour: 'a token whose subject is not a uuid',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: hs256({ ...graceClaims(), sub: 'grace' }, h.env.INTERNAL_SECRET),
      }),
    },
    {
      behaviour: 'a token with an unknown role',
      headers: async () => ({
        [INTERNAL_TOKEN_HEADER]: hs256({ ...graceClaims(), role: 'ROOT' }, h.env.INTERNAL_SECRET),
      }),
    },
  ];

  it.each(cases)(
    'answers HTTP 401 UNAUTHENTICATED to $behaviour, and a placeOrder sent so writes nothing',
    async ({ headers }) => {
      const before = await rowCounts(h.database);

      const res = await h.callRaw(
        { 'content-type': 'application/json', ...(await headers()) },
        placeOrderBody,
      );

      expect(res.status).toBe(401);
      expect(res.body).toEqual(GATEWAY_REJECTION);
      expect(await rowCounts(h.database)).toEqual(before);
    },
  );

  it('rejects an unsigned GET before GraphQL sees it', async () => {
    const response = await fetch(`${h.url}?query=${encodeURIComponent('{ _service { sdl } }')}`);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(GATEWAY_REJECTION);
  });

  it('keeps the request id on a rejected request', async () => {
    const res = await h.callRaw(
      { 'content-type': 'application/json', 'x-request-id': 'trust-test-1' },
      placeOrderBody,
    );

    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('trust-test-1');
  });

  it('accepts a token the gateway signed by hand with the shared secret, as the identity it names', async () => {
    const before = await rowCounts(h.database);

    const res = await h.callRaw(
      {
        'content-type': 'application/json',
        [INTERNAL_TOKEN_HEADER]: hs256(graceClaims(), h.env.INTERNAL_SECRET),
      },
      placeOrderBody,
    );

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      data: { placeOrder: { user: { id: GRACE.userId }, total: { amount: 250 } } },
    });
    expect(await rowCounts(h.database)).toEqual({ orders: before.orders + 1, items: before.items + 1 });
  });

  it('accepts an anonymous gateway token, which is enough for _service but not for orders', async () => {
    const service = await h.call(ServiceDocument, {});
    expect(service.status).toBe(200);
    expect(service.body.data!._service.sdl).toContain('type Order');

    const orders = await h.call(OrderIdsDocument, {});
    expect(orders.status).toBe(200);
    expect(orders.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('takes the role from the token: the same query answers an admin with every order', async () => {
    const res = await h.call(OrderIdsDocument, {}, ADA);

    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.orders.edges.length).toBeGreaterThanOrEqual(6);
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
