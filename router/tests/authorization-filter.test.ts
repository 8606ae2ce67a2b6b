import { buildSchema, execute, parse, print, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { grantsOf } from '../src/authorization/caller.ts';
import { fillRemoved } from '../src/authorization/fill.ts';
import { decide } from '../src/authorization/filter.ts';
import { requirementsOf } from '../src/authorization/requirements.ts';

/** A schema with nullable and non-null guarded fields, which the repository's supergraph does not all have. */
const SDL = `
directive @authenticated on FIELD_DEFINITION | OBJECT
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT
type Query { shop: Shop }
type Shop { name: String secret: String @authenticated revenue: Int! @requiresScopes(scopes: [["admin"]]) }
`;
const schema = buildSchema(SDL);
const requirements = requirementsOf(SDL);
const rootValue = { shop: { name: 'Corner', secret: 's3cret', revenue: 42 } };

/** Decides `query` for `identity`, executes what is left on graphql-js, and fills the removed fields back in. */
async function run(query: string, identity: Parameters<typeof grantsOf>[0]) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const decision = decide(schema, requirements, grantsOf(identity, []), operation, document, {});
  const executed = decision.document
    ? await execute({ schema, document: decision.document, rootValue })
    : undefined;
  return {
    sent: decision.document ? print(decision.document) : undefined,
    data: decision.document
      ? fillRemoved(executed?.data as Record<string, unknown>, decision.tree)
      : undefined,
    errors: decision.errors.map((error) => [error.path, error.extensions['code']]),
  };
}

describe('removing what the caller may not read', () => {
  it('keeps a field whose every sub-field was removed, with a __typename stand-in that never reaches the client', async () => {
    const answer = await run('{ shop { secret } }', null);
    expect(answer.sent).toBe('{\n  shop {\n    __authz_placeholder: __typename\n  }\n}');
    expect(answer.data).toEqual({ shop: { secret: null } });
    expect(answer.errors).toEqual([[['shop', 'secret'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
  });

  it('propagates the null of a removed non-null field to its nullable parent', async () => {
    const answer = await run('{ shop { name revenue } }', { userId: 'u1', role: 'CUSTOMER' });
    expect(answer.data).toEqual({ shop: null });
    expect(answer.errors).toEqual([[['shop', 'revenue'], 'UNAUTHORIZED_FIELD_OR_TYPE']]);
  });

  it("grants scopes from the token's scope claim on top of the role's", async () => {
    const answer = await run('{ shop { revenue } }', { userId: 'u1', role: 'CUSTOMER', scopes: ['admin'] });
    expect(answer).toEqual({ sent: undefined, data: undefined, errors: [] });
  });
});
