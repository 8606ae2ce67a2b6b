import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/** Automatic persisted queries from client to gateway: register once, then send only the hash. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('apq');
});
afterAll(async () => {
  await stack?.close();
});

const QUERY = '{ me { name } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function send(body: Record<string, unknown>, token?: string) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('automatic persisted queries (APQ)', () => {
  it('asks for the query when it does not know the hash, then serves it by hash alone', async () => {
    const token = await stack.logIn('grace@example.com');
    const persistedQuery = { version: 1, sha256Hash: sha256(QUERY) };

    const unknown = await send({ extensions: { persistedQuery } }, token);
    expect(unknown.body).toMatchObject({
      errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });

    const registered = await send({ query: QUERY, extensions: { persistedQuery } }, token);
    expect(registered.body).toEqual({ data: { me: { name: 'Grace Hopper' } } });

    const byHash = await send({ extensions: { persistedQuery } }, token);
    expect(byHash.body).toEqual({ data: { me: { name: 'Grace Hopper' } } });
  });

  it('refuses a query whose hash does not match it, with a 400', async () => {
    const result = await send({
      query: QUERY,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } },
    });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } }],
    });
  });
});
