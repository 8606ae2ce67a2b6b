import { describe, expect, it } from 'vitest';
import { checkOperations } from '../src/checks/operations.ts';
import { findOperationFiles, readOperationFiles } from '../src/operations/corpus.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { loadSubgraphs } from '../src/subgraphs.ts';
import { composed, copySubgraphs } from './fixtures.ts';

const supergraphSdl = composed(loadSubgraphs());
const corpus = readOperationFiles(findOperationFiles(REPO_ROOT), REPO_ROOT);

describe('the operations check', () => {
  it('finds the e2e operations and validates every one against the API schema', () => {
    const result = checkOperations({ supergraphSdl, corpus });

    expect(corpus.map((file) => file.file)).toContain('e2e/operations/UsersWithOrders.graphql');
    expect(result).toMatchObject({ name: 'operations', status: 'pass', details: [], warnings: [] });
  });

  it('accepts a deferred fragment, as the gateway serves @defer, and checks what is inside it', () => {
    const deferred = (field: string) => ({
      file: 'clients/web/operations/MeFirst.graphql',
      source: `query MeFirst { me { name ... @defer(label: "orders") { ${field} } } }`,
    });

    expect(
      checkOperations({ supergraphSdl, corpus: [deferred('orders(first: 2) { edges { node { id } } }')] }),
    ).toMatchObject({ status: 'pass', details: [] });
    expect(checkOperations({ supergraphSdl, corpus: [deferred('nickname')] }).details).toEqual([
      'clients/web/operations/MeFirst.graphql:1:57 (query MeFirst): Cannot query field "nickname" on type "User". Did you mean "name"?',
    ]);
  });

  it('fails on an unknown field, naming the file, the operation and the field', () => {
    const broken = {
      file: 'clients/web/operations/Me.graphql',
      source: 'query Me {\n  me {\n    nickname\n  }\n}\n',
    };

    const result = checkOperations({ supergraphSdl, corpus: [...corpus, broken] });

    expect(result.status).toBe('fail');
    expect(result.details).toEqual([
      'clients/web/operations/Me.graphql:3:5 (query Me): Cannot query field "nickname" on type "User". Did you mean "name"?',
    ]);
  });

  it('fails on anonymous operations, duplicate names and syntax errors', () => {
    const result = checkOperations({
      supergraphSdl,
      corpus: [
        { file: 'a.graphql', source: '{ me { id } }' },
        { file: 'b.graphql', source: 'query MyOrders { me { id } }' },
        { file: 'c.graphql', source: 'query Broken { me { id }' },
        ...corpus,
      ],
    });

    expect(result.details).toEqual([
      'a.graphql (anonymous query): name the operation; snapshots are keyed by it',
      'c.graphql:1:25 Syntax Error: Expected Name, found <EOF>.',
      'e2e/operations/MyOrders.graphql (query MyOrders): the name is already used in b.graphql',
    ]);
  });

  it('warns, without failing, about deprecated fields in use', () => {
    const copy = copySubgraphs();
    try {
      copy.edit('users/user/schema.graphql', (sdl) =>
        sdl.replace('  name: String!\n', '  name: String! @deprecated(reason: "Use displayName.")\n'),
      );
      const deprecating = composed(copy.load());

      const result = checkOperations({ supergraphSdl: deprecating, corpus });

      expect(result.status).toBe('pass');
      expect(result.warnings).toContain(
        'e2e/operations/MyOrders.graphql:5:5 (query MyOrders): The field User.name is deprecated. Use displayName.',
      );
    } finally {
      copy.remove();
    }
  });
});
