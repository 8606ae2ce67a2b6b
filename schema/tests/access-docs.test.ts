import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTableRows as cellsOf } from '@supergraph/testing';
import { describe, expect, it } from 'vitest';
import { renderAccessTable, TABLE_END, TABLE_START } from '../src/access-table.ts';
import { readPublicFields } from '../src/authorization.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { SUPERGRAPH_PATH } from '../src/supergraph-file.ts';

describe('docs/authorization.md', () => {
  it('holds the who-can-read-what table of the committed supergraph (npm run docs:authorization)', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'authorization.md'), 'utf8');
    const section = doc.slice(doc.indexOf(TABLE_START), doc.indexOf(TABLE_END));
    const expected = renderAccessTable(readFileSync(SUPERGRAPH_PATH, 'utf8'), readPublicFields());
    expect(cellsOf(section)).toEqual(cellsOf(expected));
    expect(cellsOf(section)).toContainEqual([
      '',
      '`Query.users`',
      'root',
      '`@requiresScopes(scopes: [["admin"]])`',
      'no',
      'no',
      'yes',
      '',
    ]);
  });
});
