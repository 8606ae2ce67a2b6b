import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCostCheck } from '../src/cost.ts';

const schema = buildSchema(`
  input LineInput { productId: ID!, quantity: Int! }
  type Query { lines(first: Int, input: [LineInput!]): [Int!]! }
`);
const document = parse(
  'query Lines($first: Int, $input: [LineInput!]) { lines(first: $first, input: $input) }',
);

describe('the cost check', () => {
  it('refuses variables that do not coerce (an unknown input field, a string for an Int) as BAD_USER_INPUT with HTTP 400, naming the problem', () => {
    const check = createCostCheck(1_000);

    const unknownField = check(
      schema,
      document,
      { input: [{ productId: 'p', quantity: 1, unitPrice: 1 }] },
      'Lines',
    );
    const wrongType = check(schema, document, { first: 'ten' }, 'Lines');

    expect(unknownField?.message).toContain('Field "unitPrice" is not defined by type "LineInput"');
    expect(wrongType?.message).toContain('Int cannot represent non-integer value: "ten"');
    for (const refusal of [unknownField, wrongType]) {
      expect(refusal?.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    }
  });

  it('lets valid variables through', () => {
    expect(createCostCheck(1_000)(schema, document, { first: 10, input: [] }, 'Lines')).toBeUndefined();
  });
});
