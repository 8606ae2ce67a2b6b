import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLIC_FIELDS_PATH, readPublicFields } from '../src/authorization.ts';
import type { BaseSupergraph } from '../src/breaking/base-supergraph.ts';
import { checkAuthorization } from '../src/checks/authorization.ts';
import { loadSubgraphs } from '../src/subgraphs.ts';
import { SUPERGRAPH_PATH } from '../src/supergraph-file.ts';
import { composed, copySubgraphs } from './fixtures.ts';

const current = composed(loadSubgraphs());
const base: BaseSupergraph = {
  found: true,
  label: 'the committed supergraph',
  sdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
};
const publicFields = readPublicFields();
const paths = {
  publicFieldsPath: 'schema/public-fields.json',
  approvalsPath: 'schema/approved-changes.json',
};

const copies: ReturnType<typeof copySubgraphs>[] = [];
afterAll(() => copies.forEach((copy) => copy.remove()));
function changed(path: string, change: (sdl: string) => string): string {
  const copy = copySubgraphs();
  copies.push(copy);
  copy.edit(path, change);
  return composed(copy.load());
}

describe('the authorization check', () => {
  it('passes on the repository: every root and entity field guarded or public with a reason', () => {
    expect(PUBLIC_FIELDS_PATH).toMatch(/schema\/public-fields\.json$/);
    const result = checkAuthorization({
      supergraphSdl: current,
      publicFields,
      base,
      approvals: [],
      ...paths,
    });
    expect(result).toEqual({
      name: 'authorization',
      status: 'pass',
      summary: '22 field(s) guarded, 17 public with a reason',
      details: [],
      warnings: [],
    });
  });

  it('fails on a new root field without a directive or a public listing, naming the fix', () => {
    const sdl = changed('users/user/schema.graphql', (text) =>
      text.replace('type Query {', 'type Query {\n  "How many users there are."\n  userCount: Int!'),
    );
    const result = checkAuthorization({ supergraphSdl: sdl, publicFields, base, approvals: [], ...paths });
    expect(result.status).toBe('fail');
    expect(result.details).toEqual([
      'Query.userCount (root field) has no @authenticated, @requiresScopes or @policy: annotate it in its subgraph, or list it in schema/public-fields.json with the reason anyone may read it',
    ]);
  });

  it('reports a removed directive like a breaking change, until it is approved', () => {
    const sdl = changed('users/user/schema.graphql', (text) =>
      text.replace(
        'users(first: Int = 20, after: String): UserConnection! @requiresScopes(scopes: [["admin"]])',
        'users(first: Int = 20, after: String): UserConnection! @authenticated',
      ),
    );
    const failing = checkAuthorization({ supergraphSdl: sdl, publicFields, base, approvals: [], ...paths });
    expect(failing.details).toEqual([
      'AUTHORIZATION_REMOVED:Query.users: @requiresScopes(scopes: [["admin"]]) was removed from Query.users since the committed supergraph; if anyone may now read it on purpose, add { "change": "AUTHORIZATION_REMOVED:Query.users", "reason", "approvedBy" } to schema/approved-changes.json',
    ]);
    const approvals = [
      {
        change: 'AUTHORIZATION_REMOVED:Query.users',
        reason: 'every customer may list users',
        approvedBy: 'ada',
      },
    ];
    expect(checkAuthorization({ supergraphSdl: sdl, publicFields, base, approvals, ...paths }).status).toBe(
      'pass',
    );
  });

  it('refuses a public listing of a field that is guarded or does not exist', () => {
    const listed = [
      ...publicFields,
      { field: 'Query.users', reason: 'x' },
      { field: 'Query.nope', reason: 'y' },
    ];
    const result = checkAuthorization({
      supergraphSdl: current,
      publicFields: listed,
      base,
      approvals: [],
      ...paths,
    });
    expect(result.details).toEqual([
      'schema/public-fields.json lists Query.users as public, but it is guarded by @requiresScopes(scopes: [["admin"]]): remove the entry',
      'schema/public-fields.json lists Query.nope, which is not a root or entity field of the supergraph: remove the entry',
    ]);
  });
});
