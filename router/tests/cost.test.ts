import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCostCheck } from '../src/cost.ts';

const schema = buildSchema(`
  type Query {
    order(id: ID!): Order
    orders(first: Int = 20, after: String): [Order!]!
  }
  type Order {
    id: ID!
    lines(first: Int): [Line!]!
  }
  type Line {
    sku: String!
  }
`);

/** Each request's own document, as Apollo hands one cached DocumentNode to every request for the same query. */
const document = parse(`
  query Mine($first: Int, $after: String, $id: ID!, $withLines: Boolean = false, $lines: Int = 10) {
    order(id: $id) { id }
    orders(first: $first, after: $after) { id lines(first: $lines) @include(if: $withLines) { sku } }
  }
`);

const codeOf = (error: ReturnType<ReturnType<typeof createCostCheck>>) => error?.extensions['code'];

describe('the cost check, its verdict shared by requests that differ only in variables cost ignores', () => {
  it('judges each page size and each @include on its own, whatever ids and cursors came before', () => {
    // order: 1 + id 1; orders: 1 + first × (id 1 [+ lines: 1 + lines × 1])
    const check = createCostCheck(300);
    const mine = (variables: Record<string, unknown>) => check(schema, document, variables, 'Mine');

    expect(mine({ id: 'o1', first: 5, after: 'c1' })).toBeUndefined();
    expect(mine({ id: 'o2', first: 5, after: 'c9' })).toBeUndefined();
    expect(codeOf(mine({ id: 'o3', first: 101, after: 'c9' }))).toBe('BAD_USER_INPUT');
    // 20 × (1 + 1 + 10) + 4 = 244 fits; with 20 lines per order, 20 × 22 + 4 = 444 does not.
    expect(mine({ id: 'o4', first: 20, withLines: true })).toBeUndefined();
    expect(codeOf(mine({ id: 'o5', first: 20, withLines: true, lines: 20 }))).toBe('COST_LIMIT_EXCEEDED');
    expect(mine({ id: 'o6', first: 20, withLines: false, lines: 20 })).toBeUndefined();
    // An absent `first` takes the argument's default (20): its own verdict, not `first: null`'s.
    expect(codeOf(mine({ id: 'o7', withLines: true, lines: 20 }))).toBe('COST_LIMIT_EXCEEDED');
  });

  it('still refuses variables that do not coerce after a verdict for the same page size was kept', () => {
    const badId = { id: { not: 'an id' }, first: 5 };
    const uncached = () => createCostCheck(300)(schema, document, badId, 'Mine');
    expect(uncached).toThrow('Variable "$id" got invalid value');
    const check = createCostCheck(300);
    expect(check(schema, document, { id: 'o1', first: 5 }, 'Mine')).toBeUndefined();

    expect(() => check(schema, document, badId, 'Mine')).toThrow('Variable "$id" got invalid value');
  });
});
