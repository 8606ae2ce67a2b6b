import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@supergraph/service-kit/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { usersSubgraph } from '../src/subgraph.ts';

let h: Started<typeof usersSubgraph>;
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'http');
});
afterAll(async () => {
  await h?.close();
});

describe('error responses', () => {
  it('never carry a stacktrace, for errors raised by resolvers or by validation', async () => {
    const resolverError = await h.call('mutation { updateMe(input: { name: "" }) { id } }', {}, GRACE);
    const validationError = await h.call('{ me { noSuchField } }', {}, GRACE);

    expect(errorsOf(resolverError)).toEqual([
      {
        message: 'name must not be empty',
        path: ['updateMe'],
        extensions: { code: 'BAD_USER_INPUT', field: 'name' },
      },
    ]);
    expect(errorsOf(validationError)).toEqual([
      {
        message: 'Cannot query field "noSuchField" on type "User".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
    expect(validationError.status).toBe(400);
    for (const error of [...resolverError.body.errors!, ...validationError.body.errors!]) {
      expect(error.extensions).not.toHaveProperty('stacktrace');
    }
  });

  it('answers a query that does not parse with 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await h.call('{ me { id ', {}, GRACE);

    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([
      { message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
    ]);
  });
});

describe('request ids', () => {
  it("echoes the caller's well-formed x-request-id", async () => {
    const res = await fetch(h.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'gateway-req-42',
        [INTERNAL_TOKEN_HEADER]: await signInternalToken(null, h.env.INTERNAL_SECRET),
      },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });

    expect(res.headers.get('x-request-id')).toBe('gateway-req-42');
  });

  it('replaces a malformed x-request-id with a fresh uuid, even on a refused request', async () => {
    const res = await h.callRaw(
      { 'content-type': 'application/json', 'x-request-id': 'not a safe id!' },
      { query: '{ me { id } }' },
    );

    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('readiness', () => {
  it('answers /health/ready with 503 once the database is gone, while /health/live stays 200', async () => {
    await h.database.close();

    const ready = await fetch(`${h.origin}/health/ready`);
    const live = await fetch(`${h.origin}/health/live`);

    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable' });
    expect(live.status).toBe(200);
  });
});
