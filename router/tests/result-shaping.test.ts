// The lean result shaping must give exactly what Apollo's own gives: the same data (keys, their order, undefined
// and null values) and the same errors (GraphQLError.toJSON: message, path, extensions), or the same thrown
// assertion. Every case runs both on the same input.
import { buildSchema, parseOperation, type FieldSelection, type Schema } from '@apollo/federation-internals';
import { describe, expect, it } from 'vitest';
import { apolloComputeResponse, loadApolloResultShaping } from '../src/result-shaping/install.ts';
import { leanComputeResponse, type ComputeResponse } from '../src/result-shaping/lean-compute-response.ts';

const loaded = loadApolloResultShaping();
if (loaded instanceof Error) throw loaded;
/** Apollo's own function, as recorded before the gateway replaced it. */
const apolloShaping = apolloComputeResponse(loaded);

const schema: Schema = buildSchema(`
  scalar JSON
  enum Status { OPEN SHIPPED }
  interface Node { id: ID! }
  type Money { amount: Float! currency: String! }
  type Item { sku: String! quantity: Int }
  type Order implements Node { id: ID! status: Status! total: Money items: [Item!]! note: String meta: JSON }
  type User implements Node { id: ID! name: String! email: String orders: [Order] grid: [[Int]] tags: [String!] }
  union SearchResult = User | Order
  type Query {
    me: User
    user(id: ID!): User!
    users: [User!]
    node(id: ID!): Node
    search: [SearchResult!]!
    flag: Boolean
    count: Int!
  }
`);

type Input = Record<string, unknown> | null | undefined;

interface Outcome {
  /** The data as JSON, for readable assertions. */
  data?: string;
  /** The data with every key in order, undefined values included (JSON would drop them). */
  shape?: unknown;
  errors?: unknown[];
  thrown?: string;
}

function shapeOf(value: unknown): unknown {
  if (value === undefined) return '<undefined>';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') {
    return Object.keys(value).map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]);
  }
  return value;
}

function run(
  shaping: ComputeResponse,
  query: string,
  input: Input,
  variables?: Record<string, unknown>,
): Outcome {
  const operation = parseOperation(schema, query);
  // Stands in for Apollo's introspection executor: a value that shows which selection it was given.
  const introspectionHandling = (selection: FieldSelection) => ({
    introspected: selection.element.responseName(),
  });
  try {
    // Inputs are cloned per run: each shaping must see the same, untouched input.
    const response = shaping({ operation, variables, input: structuredClone(input), introspectionHandling });
    return {
      data: JSON.stringify(response.data),
      shape: shapeOf(response.data),
      errors: response.errors.map((error) => error.toJSON()),
    };
  } catch (error) {
    return { thrown: (error as Error).message };
  }
}

function expectSameAsApollo(
  query: string,
  input: Input,
  variables?: Record<string, unknown>,
  label?: string,
): Outcome {
  const lean = run(leanComputeResponse, query, input, variables);
  expect(lean, label).toEqual(run(apolloShaping, query, input, variables));
  return lean;
}

const alice = {
  __typename: 'User',
  id: 'u1',
  name: 'Alice',
  email: 'alice@example.com',
  orders: [
    {
      __typename: 'Order',
      id: 'o1',
      status: 'OPEN',
      total: { amount: 12.5, currency: 'EUR' },
      items: [{ sku: 'A', quantity: 2 }],
      note: null,
      meta: { any: ['json', 1] },
    },
    {
      __typename: 'Order',
      id: 'o2',
      status: 'SHIPPED',
      total: null,
      items: [],
      note: 'gift',
      meta: null,
    },
  ],
  grid: [[1, 2], null, [null, 3]],
  tags: ['a', 'b'],
};

describe('lean result shaping gives what Apollo’s gives', () => {
  it('selects fields, applies aliases, drops what was not asked and keeps the selection order', () => {
    // The merged subgraph data holds each value under its response name (the alias), as Apollo's fetches do.
    const outcome = expectSameAsApollo(
      '{ me { who: name id email orders { status id total { amount } items { sku quantity } note meta } } }',
      { me: { ...alice, who: 'Alice' } },
    );
    expect(JSON.parse(outcome.data!)).toEqual({
      me: {
        who: 'Alice',
        id: 'u1',
        email: 'alice@example.com',
        orders: [
          {
            status: 'OPEN',
            id: 'o1',
            total: { amount: 12.5 },
            items: [{ sku: 'A', quantity: 2 }],
            note: null,
            meta: { any: ['json', 1] },
          },
          { status: 'SHIPPED', id: 'o2', total: null, items: [], note: 'gift', meta: null },
        ],
      },
    });
    expect(outcome.errors).toEqual([]);
  });

  it('fills in __typename, aliased or not, from the data or the field’s type', () => {
    expectSameAsApollo('{ me { __typename t: __typename name } }', { me: alice });
    expectSameAsApollo('{ me { __typename name } }', { me: { name: 'No typename' } });
    expectSameAsApollo('{ node(id: "o1") { __typename id } }', { node: { __typename: 'Order', id: 'o1' } });
    expectSameAsApollo('{ node(id: "o1") { __typename id } }', { node: { id: 'o1' } }); // interface: bubbles
  });

  it('applies inline and named fragments on interfaces and unions by __typename', () => {
    const query = `
      fragment OrderBits on Order { status total { currency } }
      { search { __typename ... on User { name tags } ...OrderBits ... on Node { id kind: __typename } } }`;
    const outcome = expectSameAsApollo(query, {
      search: [alice, alice.orders[0], { __typename: 'Order', id: 'o3', status: 'OPEN', total: null }],
    });
    // Inside `... on Node` the parent type is the interface: __typename must come from the data.
    expect(JSON.parse(outcome.data!).search.map((result: { kind: string }) => result.kind)).toEqual([
      'User',
      'Order',
      'Order',
    ]);
  });

  it('honours @skip and @include, literal or from variables, including defaulted ones', () => {
    const query = `query ($skipEmail: Boolean!, $withOrders: Boolean = true) {
      me { name email @skip(if: $skipEmail) orders @include(if: $withOrders) { id } tags @include(if: false) }
    }`;
    expectSameAsApollo(query, { me: alice }, { skipEmail: true });
    expectSameAsApollo(query, { me: alice }, { skipEmail: false, withOrders: false });
    expectSameAsApollo('{ me { ... on User @skip(if: true) { name } id } }', { me: alice });
  });

  it('bubbles null to the nearest nullable field and reports it once', () => {
    // null in a non-null field of a nullable list element: the element becomes null
    expectSameAsApollo('{ me { orders { id status } } }', {
      me: {
        orders: [
          { id: 'o1', status: null },
          { id: 'o2', status: 'OPEN' },
        ],
      },
    });
    // null in a [Item!]! list: the list and then its non-null parent field bubble up to the order
    expectSameAsApollo('{ me { orders { items { sku } } } }', {
      me: { orders: [{ items: [{ sku: 'A' }, null] }] },
    });
    // up to the root: user(id:) is non-null, so data becomes null
    const outcome = expectSameAsApollo('{ user(id: "u1") { name } count }', {
      user: { name: null },
      count: 3,
    });
    expect(outcome.data).toBe('null');
    // several nulls under one non-null list element: Apollo reports each, and no more
    expectSameAsApollo('{ users { id name } }', {
      users: [
        { id: null, name: null },
        { id: 'u2', name: 'Bob' },
      ],
    });
  });

  it('reports values that do not fit their type and replaces them with null', () => {
    expectSameAsApollo('{ me { orders { status total { amount } items { quantity } } } count flag }', {
      me: {
        orders: [
          { status: 'LOST', total: { amount: 'twelve' }, items: [{ quantity: 1.5 }] },
          { status: 'OPEN', total: { amount: Number.POSITIVE_INFINITY }, items: [{ quantity: '2' }] },
        ],
      },
      count: 'three',
      flag: 'yes',
    });
    expectSameAsApollo('{ me { id } }', { me: { id: 1.5 } }); // ID from a non-integer number
    expectSameAsApollo('{ me { id } }', { me: { id: 7 } });
  });

  it('reports an object whose __typename is not a type of the schema', () => {
    expectSameAsApollo('{ node(id: "x") { id } search { __typename } }', {
      node: { __typename: 'Ghost', id: 'x' },
      search: [{ __typename: 'Scalar' }],
    });
  });

  it('shapes nested lists with null rows and null cells', () => {
    expectSameAsApollo('{ me { grid } }', { me: alice });
    expectSameAsApollo('{ me { grid tags } }', { me: { grid: [[1, 'x']], tags: ['a', null] } });
  });

  it('merges a field selected both outside and inside a fragment into one object', () => {
    // Fields selected twice at one level are merged when the operation is parsed; a fragment is not, so the
    // second selection finds the object (and leaves) the first one built and must fill it in, not replace it.
    const outcome = expectSameAsApollo(
      `{ me { orders { id total { amount } } ... on User { orders { status total { currency } } } } me { name }
         search { ... on Order { id items { sku } } ... on Node { ... on Order { id items { quantity } } } } }`,
      { me: alice, search: [alice.orders[0]] },
    );
    expect(JSON.parse(outcome.data!)).toEqual({
      me: {
        orders: [
          { id: 'o1', total: { amount: 12.5, currency: 'EUR' }, status: 'OPEN' },
          { id: 'o2', total: null, status: 'SHIPPED' },
        ],
        name: 'Alice',
      },
      search: [{ id: 'o1', items: [{ sku: 'A', quantity: 2 }] }],
    });
  });

  it('returns the input itself when there is no data, and answers missing fields with null', () => {
    expectSameAsApollo('{ me { name } }', null);
    expectSameAsApollo('{ me { name } }', undefined);
    expectSameAsApollo('{ me { name email } flag }', { me: { name: 'Alice' } });
  });

  it('hands introspection fields to the introspection handler', () => {
    expectSameAsApollo('{ __schema { queryType { name } } t: __type(name: "User") { name } me { name } }', {
      me: alice,
    });
  });

  it('throws the same assertion when a subgraph sent the wrong shape', () => {
    const notAList = expectSameAsApollo('{ me { orders { id } } }', { me: { orders: { id: 'o1' } } });
    expect(notAList.thrown).toMatch(/Invalid non-list value/);
    const notAnObject = expectSameAsApollo('{ me { name } }', { me: 'Alice' });
    expect(notAnObject.thrown).toMatch(/Invalid non-object value/);
    const badTypename = expectSameAsApollo('{ me { name } }', { me: { __typename: 7, name: 'A' } });
    expect(badTypename.thrown).toMatch(/Invalid non-string value 7 for __typename/);
    const badVariable = expectSameAsApollo(
      'query ($s: Boolean!) { me { name @skip(if: $s) } }',
      { me: alice },
      {
        s: 'yes',
      },
    );
    expect(badVariable.thrown).toMatch(/Unexpected value yes for variable \$s/);
  });

  it('agrees with Apollo on 2,000 randomly damaged answers', () => {
    // Seeded (mulberry32), so a failure names a reproducible round: each value is kept, nulled, dropped or
    // swapped for a value of another type, at every depth, and $withOrders is drawn per round.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const damage = (value: unknown): unknown => {
      const roll = random();
      if (roll < 0.06) return null;
      if (roll < 0.09) return ['OPEN', 1, 2.5, true, 'text', {}, []][Math.floor(random() * 7)];
      if (Array.isArray(value)) return value.map(damage);
      if (value && typeof value === 'object') {
        const copy: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(value)) {
          if (key !== '__typename' && random() < 0.04) continue; // dropped
          copy[key] = damage(field);
        }
        return copy;
      }
      return value;
    };
    // Aliases, a field selected twice (the second selection merges into objects the first built), @include
    // from a variable, fragments on an interface and a union, nested lists.
    const query = `query ($withOrders: Boolean!) {
      me { __typename who: name email orders { id status total { amount currency } items { sku quantity } note meta } grid tags }
      me { ... on User { orders { id total { currency } } } recent: orders @include(if: $withOrders) { status } }
      users { id name orders { status } }
      search { ... on User { name } ... on Order { status items { sku } } ... on Node { id kind: __typename } }
      flag count
    }`;
    const answer = {
      me: { ...alice, who: alice.name, recent: alice.orders },
      users: [alice, { ...alice, id: 'u2' }],
      search: [alice, ...alice.orders],
      flag: true,
      count: 2,
    };
    const seen = { clean: 0, withErrors: 0, thrown: 0 };
    for (let round = 0; round < 2_000; round++) {
      const input = damage(answer) as Input;
      const variables = { withOrders: random() < 0.5 };
      const outcome = expectSameAsApollo(query, input, variables, `round ${round}: ${JSON.stringify(input)}`);
      if (outcome.thrown !== undefined) seen.thrown++;
      else if (outcome.errors!.length > 0) seen.withErrors++;
      else seen.clean++;
    }
    // The damage reaches every outcome often enough for the comparison to mean something.
    expect(Math.min(seen.clean, seen.withErrors, seen.thrown)).toBeGreaterThan(100);
  });
});

describe('lean answer objects', () => {
  it('inherit nothing, so any response name is an own property and Object.prototype stays untouched', () => {
    const query = '{ me { __proto__: name constructor: email toString: id hasOwnProperty: tags } }';
    const input = {
      me: JSON.parse(
        '{"__proto__": "Alice", "constructor": "a@example.com", "toString": "u1", "hasOwnProperty": ["x"]}',
      ),
    };
    const outcome = expectSameAsApollo(query, input);
    expect(outcome.data).toBe(
      '{"me":{"__proto__":"Alice","constructor":"a@example.com","toString":"u1","hasOwnProperty":["x"]}}',
    );
    const operation = parseOperation(schema, query);
    const { data } = leanComputeResponse({ operation, input, introspectionHandling: () => null });
    const me = data!['me'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(Object.getPrototypeOf(me))).toBeNull();
    expect(Object.keys(me)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect('valueOf' in me).toBe(false);
    expect(({} as Record<string, unknown>)['hasOwnProperty']).toBe(Object.prototype.hasOwnProperty);
  });
});
