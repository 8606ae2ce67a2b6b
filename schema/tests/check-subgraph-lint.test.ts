import { afterEach, describe, expect, it } from 'vitest';
import { checkSubgraphLint, lintSubgraphsOf, type LintSubgraph } from '../src/checks/subgraph-lint.ts';
import { repoResolvers } from '../src/cli/repo-inputs.ts';
import { loadSubgraphs, type SubgraphSchema } from '../src/subgraphs.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { copySubgraphs } from './fixtures.ts';

const resolvers = await repoResolvers();

/** What the CLI hands the lint check: each subgraph's files and its real resolver map. */
function lintInput(subgraphs: readonly SubgraphSchema[]): LintSubgraph[] {
  return lintSubgraphsOf(subgraphs, resolvers, REPO_ROOT);
}

const copies: { remove(): void }[] = [];
afterEach(() => copies.splice(0).forEach((copy) => copy.remove()));
function copy() {
  const created = copySubgraphs();
  copies.push(created);
  return created;
}

describe('the subgraph-lint check', () => {
  it('passes on the current subgraphs, their @key fields and their __resolveReference resolvers', async () => {
    const result = await checkSubgraphLint(lintInput(loadSubgraphs()));

    expect(result).toMatchObject({ name: 'subgraph-lint', status: 'pass', details: [], warnings: [] });
  });

  it('fails on a lowercase type name and missing descriptions, naming the subgraph, file, line and type', async () => {
    const subgraphs = copy();
    subgraphs.edit('users/user/schema.graphql', (sdl) => `${sdl}\ntype lowercase {\n  id: ID!\n}\n`);
    const lines = subgraphs
      .load()[0]!
      .files.find((file) => file.path.endsWith('user/schema.graphql'))!
      .sdl.split('\n');
    const line = lines.indexOf('type lowercase {') + 1;
    const file = subgraphs.path('users/user/schema.graphql');

    const result = await checkSubgraphLint(lintInput(subgraphs.load()));

    expect(result.status).toBe('fail');
    expect(result.details).toEqual([
      `users: ${file}:${line}:6 Type "lowercase" should be in PascalCase format (naming-convention)`,
      `users: ${file}:${line}:6 Description is required for type "lowercase" (require-description)`,
      `users: ${file}:${line + 1}:3 Description is required for field "id" in type "lowercase" (require-description)`,
    ]);
  });

  it('fails on a @key field the type lacks and on an entity without __resolveReference', async () => {
    const subgraphs = copy();
    subgraphs.write(
      'orders/widget.graphql',
      '"A widget."\ntype Widget @key(fields: "upc") {\n  "Id."\n  id: ID!\n}\n',
    );
    const file = subgraphs.path('orders/widget.graphql');

    const result = await checkSubgraphLint(lintInput(subgraphs.load()));

    expect(result.status).toBe('fail');
    expect(result.details).toEqual([
      `orders: ${file}:2:13 @key on Widget: field "upc" in fields "upc" does not exist on Widget in this subgraph`,
      `orders: ${file}:2:13 Widget is an entity this subgraph resolves (@key), but resolvers.Widget.__resolveReference is not a function: add one that loads it by its key, or declare the key with resolvable: false`,
    ]);
  });

  it('does not ask for __resolveReference on a reference-only entity (resolvable: false)', async () => {
    const subgraphs = copy();
    subgraphs.write(
      'orders/widget.graphql',
      '"A widget."\ntype Widget @key(fields: "id", resolvable: false) {\n  "Id."\n  id: ID!\n}\n',
    );

    const result = await checkSubgraphLint(lintInput(subgraphs.load()));

    expect(result).toMatchObject({ status: 'pass', details: [] });
  });

  it('warns when a subgraph has no known resolver map', async () => {
    const input = lintInput(loadSubgraphs()).map((subgraph) => ({ ...subgraph, resolvers: undefined }));

    const result = await checkSubgraphLint(input);

    expect(result.status).toBe('pass');
    expect(result.warnings).toEqual([
      'users: no resolver map known for this subgraph, so __resolveReference was not checked',
      'orders: no resolver map known for this subgraph, so __resolveReference was not checked',
      'catalog: no resolver map known for this subgraph, so __resolveReference was not checked',
    ]);
  });
});
