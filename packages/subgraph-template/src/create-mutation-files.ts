import type { SubgraphNames } from './names.ts';

/**
 * The files of the new subgraph's `create<Entity>` admin mutation that stand on their own: its input rules,
 * its idempotency codec, its typed test document and its tests. The rest of it (SDL, resolver, insert query,
 * the idempotency table and the context's key) lives in the files of files.ts that it extends.
 */
export function createMutationFiles(n: SubgraphNames): Record<string, string> {
  const { name, entity, entityCamel } = n;
  const Row = `${entity}Row`;
  const create = `create${entity}`;
  return {
    [`src/${name}/validation.ts`]: `import { noNul, parseInput } from '@supergraph/service-kit/validation';
import { z } from 'zod';

const ${create}Input = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(200, 'name must be at most 200 characters')
    .refine(...noNul('name')),
});

export type New${entity} = z.infer<typeof ${create}Input>;

/** Validates a new ${entityCamel}; every failure is BAD_USER_INPUT naming the field (\`name\`). */
export const parseCreate${entity}Input = (input: unknown): New${entity} => parseInput(${create}Input, input);
`,
    [`src/${name}/idempotent.ts`]: `import type { IdempotencyCodec } from '@supergraph/service-kit/db';
import type { ${Row} } from '../db/schema.ts';

/** ${create} keeps the ${entityCamel} it created, for a retry to answer (createdAt travels as ISO text). */
export const ${create}Codec: IdempotencyCodec<${Row}> = {
  store: (row) => row,
  replay: (stored) => {
    const row = stored as Omit<${Row}, 'createdAt'> & { createdAt: string };
    return { ...row, createdAt: new Date(row.createdAt) };
  },
};
`,
    [`tests/documents/Create${entity}.graphql`]: `mutation Create${entity}($name: String!) {
  ${create}(name: $name) {
    id
    name
    createdAt
  }
}
`,
    [`tests/create-${entityCamel}.test.ts`]: `import { randomUUID } from 'node:crypto';
import type { Identity } from '@supergraph/service-kit/auth';
import { IDEMPOTENCY_KEY_HEADER } from '@supergraph/service-kit/http';
import { ADA, ANONYMOUS, errorsOf, GRACE, startSubgraph, type Started } from '@supergraph/subgraph-testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${name} } from '../src/db/schema.ts';
import { ${name}Subgraph } from '../src/subgraph.ts';
import { Create${entity}Document, ${entity}Document } from './generated/operations.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let h: Started<typeof ${name}Subgraph>;
beforeAll(async () => {
  h = await startSubgraph(${name}Subgraph, 'create');
});
afterAll(async () => {
  await h?.close();
});

const create = (name: string, identity: Identity = ADA, headers: Record<string, string> = {}) =>
  h.call(Create${entity}Document, { name }, identity, headers);

/** A name no other test uses, so that counting rows by name counts only this test's. */
const uniqueName = () => \`${entity} \${randomUUID()}\`;
const rowsNamed = (name: string) => h.database.db.$count(${name}, eq(${name}.name, name));
const extensionsOf = (res: Parameters<typeof errorsOf>[0]) => errorsOf(res).map((error) => error.extensions);

describe('Mutation.${create}', () => {
  it('adds a ${entityCamel} for an admin, with the name trimmed, readable at once', async () => {
    const name = uniqueName();
    const res = await create(\` \${name} \`);

    expect(res.body.errors).toBeUndefined();
    const created = res.body.data!.${create};
    expect(created).toEqual({ id: expect.stringMatching(UUID), name, createdAt: expect.any(String) });
    const read = await h.call(${entity}Document, { id: created.id }, GRACE);
    expect(read.body).toEqual({ data: { ${entityCamel}: created } });
  });

  it.each([
    ['an empty name', '  '],
    ['a name of 201 characters', 'n'.repeat(201)],
    ['a NUL in the name', 'a\\0b'],
  ])('refuses %s with BAD_USER_INPUT naming the field, and writes nothing', async (_case, name) => {
    const before = await h.database.db.$count(${name});
    const res = await create(name);

    expect(res.body.data).toBeNull();
    expect(extensionsOf(res)).toEqual([{ code: 'BAD_USER_INPUT', field: 'name' }]);
    expect(await h.database.db.$count(${name})).toBe(before);
  });

  it('is UNAUTHENTICATED for an anonymous caller and FORBIDDEN for a customer, and writes nothing', async () => {
    const name = uniqueName();
    const anonymous = await create(name, ANONYMOUS);
    const customer = await create(name, GRACE);

    expect([extensionsOf(anonymous), extensionsOf(customer)]).toEqual([
      [{ code: 'UNAUTHENTICATED' }],
      [{ code: 'FORBIDDEN' }],
    ]);
    expect(await rowsNamed(name)).toBe(0);
  });

  it('retried with the same Idempotency-Key, answers the ${entityCamel} the first call created and adds no second one', async () => {
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    const name = uniqueName();

    const first = await create(name, ADA, key);
    const retry = await create(name, ADA, key);

    expect(first.body.errors).toBeUndefined();
    expect(retry.body).toEqual(first.body);
    expect(await rowsNamed(name)).toBe(1);
  });

  it('refuses the same Idempotency-Key with another name with BAD_USER_INPUT on the key, and writes nothing', async () => {
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    const [name, other] = [uniqueName(), uniqueName()];

    const first = await create(name, ADA, key);
    const reused = await create(other, ADA, key);

    expect(first.body.errors).toBeUndefined();
    expect(reused.body.data).toBeNull();
    expect(extensionsOf(reused)).toEqual([{ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' }]);
    expect(await rowsNamed(other)).toBe(0);
  });
});
`,
  };
}
