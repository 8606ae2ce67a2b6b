import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSubgraph } from '../src/generate.ts';
import { subgraphNames, SubgraphNameError } from '../src/names.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

describe('the name of a new subgraph', () => {
  it.each([
    [
      'BAD',
      '"BAD" is not a subgraph name: use one lower-case word of 2 to 30 letters and digits, starting with a letter (like "reviews").',
    ],
    [
      'a/b',
      '"a/b" is not a subgraph name: use one lower-case word of 2 to 30 letters and digits, starting with a letter (like "reviews").',
    ],
    [
      '9lives',
      '"9lives" is not a subgraph name: use one lower-case word of 2 to 30 letters and digits, starting with a letter (like "reviews").',
    ],
    ['users', '"users" is taken: @supergraph/users already exists in this repository. Choose another name.'],
    [
      'testing',
      '"testing" is taken: @supergraph/testing already exists in this repository. Choose another name.',
    ],
    ['user', '"user" would define the type User, which the supergraph already has. Choose another name.'],
  ])('refuses %j with a message that says what to do', (name, message) => {
    expect(() => subgraphNames(REPO_ROOT, name)).toThrow(new SubgraphNameError(message));
  });

  it('refuses a name whose create mutation the supergraph already has', () => {
    // No subgraph of this repository has a create mutation without its type, so a repository of one file does.
    const root = mkdtempSync(join(tmpdir(), 'subgraph-names-'));
    try {
      mkdirSync(join(root, 'schema'));
      mkdirSync(join(root, 'subgraphs'));
      writeFileSync(
        join(root, 'schema', 'supergraph.graphql'),
        'type Query { ping: Boolean }\ntype Mutation { createReview(name: String!): Boolean }\n',
      );

      expect(() => subgraphNames(root, 'reviews')).toThrow(
        new SubgraphNameError(
          '"reviews" would add Mutation.createReview, which the supergraph already has. Choose another name.',
        ),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('derives the entity, the identifiers and the next free port from a plural name', () => {
    expect(subgraphNames(REPO_ROOT, 'reviews')).toEqual({
      name: 'reviews',
      pascal: 'Reviews',
      upper: 'REVIEWS',
      entity: 'Review',
      entityCamel: 'review',
      port: 4004,
    });
    expect(subgraphNames(REPO_ROOT, 'categories')).toMatchObject({
      entity: 'Category',
      entityCamel: 'category',
    });
    expect(subgraphNames(REPO_ROOT, 'inventory')).toMatchObject({
      entity: 'Inventory',
      entityCamel: 'inventory',
    });
  });

  it('refuses before it writes anything', async () => {
    const codegen = readFileSync(join(REPO_ROOT, 'codegen.ts'), 'utf8');

    await expect(generateSubgraph(REPO_ROOT, 'orders')).rejects.toThrow(SubgraphNameError);
    expect(readFileSync(join(REPO_ROOT, 'codegen.ts'), 'utf8')).toBe(codegen);
  });
});
