import { readFileSync } from 'node:fs';
import { DEMO_USERS } from '@supergraph/demo-data';
import { postDeferred } from '@supergraph/testing/incremental';
import { DEFAULT_MANIFEST_PATH } from '@supergraph/router/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * The supergraph's @authenticated, @requiresScopes and @policy, enforced by the gateway before planning
 * (docs/authorization.md): each caller × each annotated field, with exact data and errors, and the subgraph
 * fetches each answer cost.
 */
let stack: Stack;
let tokens: { customer: string; other: string; admin: string };
/** One demo order of the customer's and one of the other customer's. */
let graceOrder: string;
let alanOrder: string;

const ADA = DEMO_USERS[0].id; // ADMIN
const GRACE = DEMO_USERS[1].id; // the customer
const ALAN = DEMO_USERS[2].id; // the other customer

const unauthorized = (coordinate: string, path: (string | number)[]) => ({
  message: `Unauthorized field or type: you may not read ${coordinate}.`,
  path,
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
});

beforeAll(async () => {
  stack = await startStack('authorization');
  tokens = {
    customer: await stack.logIn('grace@example.com'),
    other: await stack.logIn('alan@example.com'),
    admin: await stack.logIn('ada@example.com'),
  };
  const all = await stack.query<{ orders: { edges: { node: { id: string; user: { id: string } } }[] } }>(
    '{ orders(first: 100) { edges { node { id user { id } } } } }',
    {},
    tokens.admin,
  );
  const nodes = all.body.data!.orders.edges.map((edge) => edge.node);
  graceOrder = nodes.find((node) => node.user.id === GRACE)!.id;
  alanOrder = nodes.find((node) => node.user.id === ALAN)!.id;
});
afterAll(async () => {
  await stack?.close();
});

/** Sends `query` as `token`'s caller and counts the subgraph fetches it made. */
async function send(query: string, token?: string, variables: Record<string, unknown> = {}) {
  const before = { ...stack.hits };
  const response = await stack.query(query, variables, token);
  return {
    status: response.status,
    body: response.body,
    fetches: { users: stack.hits.users - before.users, orders: stack.hits.orders - before.orders },
  };
}

describe('an anonymous caller', () => {
  it('gets null and one UNAUTHORIZED_FIELD_OR_TYPE error for each guarded root field, with no subgraph fetch', async () => {
    const cases: [string, string, Record<string, unknown> | null, string][] = [
      [`{ user(id: "${GRACE}") { id } }`, 'Query.user', { user: null }, 'user'],
      ['{ users { edges { node { id } } } }', 'Query.users', null, 'users'],
      [`{ order(id: "${graceOrder}") { id } }`, 'Query.order', { order: null }, 'order'],
      ['{ orders { edges { node { id } } } }', 'Query.orders', null, 'orders'],
      ['mutation { updateMe(input: { name: "X" }) { id } }', 'Mutation.updateMe', null, 'updateMe'],
      ['mutation { deleteMe }', 'Mutation.deleteMe', null, 'deleteMe'],
      [
        'mutation { placeOrder(input: { currency: "USD", items: [{ productId: "20000000-0000-4000-8000-000000000004", quantity: 1 }] }) { id } }',
        'Mutation.placeOrder',
        null,
        'placeOrder',
      ],
      [`mutation { cancelOrder(id: "${graceOrder}") { id } }`, 'Mutation.cancelOrder', null, 'cancelOrder'],
    ];
    for (const [query, coordinate, data, key] of cases) {
      const answer = await send(query);
      expect(answer, query).toEqual({
        status: 200,
        body: { data, errors: [unauthorized(coordinate, [key])] },
        fetches: { users: 0, orders: 0 },
      });
    }
  });

  it('still gets the public fields of the same operation: only the guarded one is removed', async () => {
    expect(await send(`{ me { id } u: user(id: "${GRACE}") { id } }`)).toEqual({
      status: 200,
      body: { data: { me: null, u: null }, errors: [unauthorized('Query.user', ['u'])] },
      fetches: { users: 1, orders: 0 },
    });
  });

  it('loses a guarded field of an entity fetched from another subgraph, and its null propagates like GraphQL', async () => {
    // logIn is public, but User.orders (orders subgraph) needs orders:read:own: the caller is anonymous
    // when the request is made. OrderConnection! and User! are non-null, so the null reaches `data`.
    const answer = await send(
      'mutation { logIn(email: "grace@example.com", password: "demo-password") { user { name orders { edges { node { id } } } } } }',
    );
    expect(answer).toEqual({
      status: 200,
      body: { data: null, errors: [unauthorized('User.orders', ['logIn', 'user', 'orders'])] },
      fetches: { users: 1, orders: 0 },
    });
  });
});

describe('a customer', () => {
  it('reads a user and their own orders, and is refused the admin-only users list', async () => {
    expect(await send(`{ user(id: "${ALAN}") { id name } }`, tokens.customer)).toEqual({
      status: 200,
      body: { data: { user: { id: ALAN, name: 'Alan Turing' } } },
      fetches: { users: 1, orders: 0 },
    });
    expect(await send(`{ order(id: "${graceOrder}") { id user { id } } }`, tokens.customer)).toEqual({
      status: 200,
      body: { data: { order: { id: graceOrder, user: { id: GRACE } } } },
      fetches: { users: 0, orders: 1 },
    });
    const mine = await send('{ orders(first: 100) { edges { node { user { id } } } } }', tokens.customer);
    expect(mine.body.errors).toBeUndefined();
    const owners = (mine.body.data as { orders: { edges: { node: { user: { id: string } } }[] } }).orders
      .edges;
    expect(owners.length).toBeGreaterThan(0);
    expect(new Set(owners.map((edge) => edge.node.user.id))).toEqual(new Set([GRACE]));
    expect(await send('{ users { edges { node { id } } } }', tokens.customer)).toEqual({
      status: 200,
      body: { data: null, errors: [unauthorized('Query.users', ['users'])] },
      fetches: { users: 0, orders: 0 },
    });
  });

  it("is refused another customer's order by the orders subgraph's row-level rule (defence in depth)", async () => {
    const answer = await send(`{ order(id: "${graceOrder}") { id } }`, tokens.other);
    expect(answer.body.data).toEqual({ order: null });
    expect(answer.body.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
      [['order'], 'FORBIDDEN'],
    ]);
    expect(answer.fetches).toEqual({ users: 0, orders: 1 });
    const theirs = await send(`{ user(id: "${GRACE}") { orders { edges { node { id } } } } }`, tokens.other);
    expect(theirs.body.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
      [['user', 'orders'], 'FORBIDDEN'],
    ]);
  });

  it('may delete their own account (the customer_self_service policy); an admin may not', async () => {
    const email = `leaving-${Date.now()}@example.com`;
    await send(
      `mutation { signUp(input: { email: "${email}", name: "Leaving", password: "leaving-password" }) { token } }`,
    );
    const leaving = await stack.logIn(email, 'leaving-password');
    expect(await send('mutation { deleteMe }', leaving)).toEqual({
      status: 200,
      body: { data: { deleteMe: true } },
      fetches: { users: 1, orders: 0 },
    });
    expect(await send('mutation { deleteMe }', tokens.admin)).toEqual({
      status: 200,
      body: { data: null, errors: [unauthorized('Mutation.deleteMe', ['deleteMe'])] },
      fetches: { users: 0, orders: 0 },
    });
  });
});

describe('an admin', () => {
  it('reads the users list and any order', async () => {
    expect(await send('{ users(first: 5) { edges { node { id } } } }', tokens.admin)).toEqual({
      status: 200,
      body: { data: { users: { edges: DEMO_USERS.map((user) => ({ node: { id: user.id } })) } } },
      fetches: { users: 1, orders: 0 },
    });
    expect(await send(`{ order(id: "${alanOrder}") { id user { id } } }`, tokens.admin)).toEqual({
      status: 200,
      body: { data: { order: { id: alanOrder, user: { id: ALAN } } } },
      fetches: { users: 0, orders: 1 },
    });
    expect(ADA).toBe('00000000-0000-4000-8000-000000000001');
  });
});

describe('operations written every way', () => {
  it('judges fields through named fragments, aliases, @skip/@include, inline fragments', async () => {
    const query = `query Q($withUser: Boolean!, $skipMe: Boolean!) {
      me @skip(if: $skipMe) { ...Who }
      first: user(id: "${GRACE}") @include(if: $withUser) { ...Who }
      ... on Query { second: user(id: "${ALAN}") { id } }
    }
    fragment Who on User { id }`;
    expect(await send(query, undefined, { withUser: true, skipMe: false })).toEqual({
      status: 200,
      body: {
        data: { me: null, first: null, second: null },
        errors: [unauthorized('Query.user', ['first']), unauthorized('Query.user', ['second'])],
      },
      fetches: { users: 1, orders: 0 },
    });
    // The excluded field is not judged: only `second` is refused; `me` skipped, nothing else to fetch.
    expect(await send(query, undefined, { withUser: false, skipMe: true })).toEqual({
      status: 200,
      body: { data: { second: null }, errors: [unauthorized('Query.user', ['second'])] },
      fetches: { users: 0, orders: 0 },
    });
    // The same operation for a customer: nothing removed, everything fetched.
    expect(await send(query, tokens.customer, { withUser: true, skipMe: false })).toEqual({
      status: 200,
      body: { data: { me: { id: GRACE }, first: { id: GRACE }, second: { id: ALAN } } },
      fetches: { users: 1, orders: 0 },
    });
  });

  it('removes an unauthorized field from a deferred fragment before the deferred plan is made', async () => {
    const before = { ...stack.hits };
    const response = await postDeferred({
      url: stack.gatewayUrl,
      query: `{ me { name } ... @defer { u: user(id: "${GRACE}") { id } } }`,
    });
    // Nothing is left to defer: one complete answer, the refused field null with its error.
    expect(response.payloads).toEqual([
      { data: { me: null, u: null }, errors: [unauthorized('Query.user', ['u'])] },
    ]);
    expect({ users: stack.hits.users - before.users, orders: stack.hits.orders - before.orders }).toEqual({
      users: 1,
      orders: 0,
    });
  });

  it('leaves introspection alone', async () => {
    const answer = await send('{ __type(name: "Query") { fields { name } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.fetches).toEqual({ users: 0, orders: 0 });
  });
});

describe('AUTHORIZATION_MODE=reject', () => {
  let rejecting: Stack;
  beforeAll(async () => {
    rejecting = await startStack('authorization-reject', { gateway: { AUTHORIZATION_MODE: 'reject' } });
  });
  afterAll(async () => {
    await rejecting?.close();
  });

  it('refuses the whole request when any field is unauthorized, before any subgraph fetch', async () => {
    const before = { ...rejecting.hits };
    const answer = await rejecting.query(`{ me { id } u: user(id: "${GRACE}") { id } }`);
    // No data at all: Apollo answers an execution with no `data` as a bad request.
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ errors: [unauthorized('Query.user', ['u'])] });
    expect(rejecting.hits).toEqual(before);
    const token = await rejecting.logIn('grace@example.com');
    expect((await rejecting.query(`{ u: user(id: "${GRACE}") { id } }`, {}, token)).body).toEqual({
      data: { u: { id: GRACE } },
    });
  });
});

describe('trusted documents, whose fast path runs stored plans', () => {
  let trusted: Stack;
  const manifest = JSON.parse(readFileSync(DEFAULT_MANIFEST_PATH, 'utf8')) as {
    operations: { id: string; name: string }[];
  };
  const byId = async (name: string, variables: Record<string, unknown>, token?: string) => {
    const before = { ...trusted.hits };
    const response = await fetch(trusted.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({
        operationName: name,
        variables,
        extensions: {
          persistedQuery: { version: 1, sha256Hash: manifest.operations.find((op) => op.name === name)!.id },
        },
      }),
    });
    const body = (await response.json()) as unknown;
    return {
      body,
      fetches: { users: trusted.hits.users - before.users, orders: trusted.hits.orders - before.orders },
    };
  };
  beforeAll(async () => {
    trusted = await startStack('authorization-trusted', { gateway: { TRUSTED_DOCUMENTS: 'enforce' } });
  });
  afterAll(async () => {
    await trusted?.close();
  });

  it('filters a stored operation exactly as one sent as text, and runs it whole for a permitted caller', async () => {
    expect(await byId('User', { id: GRACE })).toEqual({
      body: { data: { user: null }, errors: [unauthorized('Query.user', ['user'])] },
      fetches: { users: 0, orders: 0 },
    });
    const loggedIn = await byId('LogIn', { email: 'grace@example.com', password: 'demo-password' });
    const token = (loggedIn.body as { data: { logIn: { token: string } } }).data.logIn.token;
    expect(await byId('User', { id: GRACE }, token)).toEqual({
      body: { data: { user: { name: 'Grace Hopper', email: 'grace@example.com', __typename: 'User' } } },
      fetches: { users: 1, orders: 0 },
    });
  });
});
