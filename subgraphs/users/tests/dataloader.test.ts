import { DEMO_USERS } from '@supergraph/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import { ADA, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { DUMMY_PASSWORD_HASH } from './fixtures.ts';
import { usersSubgraph } from '../src/subgraph.ts';
import { FirstHundredUsersDocument, UserEntityNamesDocument } from './generated/operations.ts';

let h: Started<typeof usersSubgraph>;
/** Ids of 100 users: the 5 demo users and 95 inserted directly (no password hashing, so it stays fast). */
let ids: string[];
beforeAll(async () => {
  h = await startSubgraph(usersSubgraph, 'dataloader');
  const inserted = await h.database.db
    .insert(users)
    .values(
      Array.from({ length: 95 }, (_, i) => ({
        email: `bulk${i}@example.com`,
        name: `Bulk ${i}`,
        passwordHash: DUMMY_PASSWORD_HASH,
      })),
    )
    .returning({ id: users.id });
  ids = [...DEMO_USERS.map((user) => user.id), ...inserted.map((row) => row.id)];
});
afterAll(async () => {
  await h?.close();
});

/** Resolves these ids as User entities, checks the answer, and returns how many SQL statements it cost. */
async function statementsFor(representationIds: string[]): Promise<number> {
  h.counter.reset();
  const res = await h.call(UserEntityNamesDocument, {
    representations: representationIds.map((id) => ({ __typename: 'User', id })),
  });
  const count = h.counter.count;
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!._entities.map((entity) => entity?.id ?? null)).toEqual(representationIds);
  return count;
}

describe('User entities are batched (no N+1)', () => {
  it('resolves 1, 10 and 100 users with one SQL statement each time', async () => {
    const costs = {
      1: await statementsFor(ids.slice(0, 1)),
      10: await statementsFor(ids.slice(0, 10)),
      100: await statementsFor(ids.slice(0, 100)),
    };

    expect(costs).toEqual({ 1: 1, 10: 1, 100: 1 });
  });

  it('asks the database once per distinct id, however often an id repeats', async () => {
    const repeated = [...ids.slice(0, 3), ...ids.slice(0, 3), ids[0]!];

    expect(await statementsFor(repeated)).toBe(1);
    expect(h.counter.statements[0]).toMatch(
      /^select .* from "users" where "users"\."id" in \(\$1, \$2, \$3\)$/,
    );
  });

  it('runs no SQL at all for ids that are not uuids', async () => {
    h.counter.reset();
    const res = await h.call(UserEntityNamesDocument, {
      representations: [{ __typename: 'User', id: 'abc' }],
    });

    expect(res.body).toEqual({ data: { _entities: [null] } });
    expect(h.counter.count).toBe(0);
  });

  it('lists 100 users for an admin with one SQL statement', async () => {
    h.counter.reset();
    const res = await h.call(FirstHundredUsersDocument, {}, ADA);

    expect(res.body.data!.users.edges).toHaveLength(100);
    expect(h.counter.count).toBe(1);
  });
});
