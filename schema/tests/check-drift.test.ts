import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDrift } from '../src/checks/drift.ts';
import { loadSubgraphs } from '../src/subgraphs.ts';
import { SUPERGRAPH_PATH } from '../src/supergraph-file.ts';
import { composed } from './fixtures.ts';

const supergraphSdl = composed(loadSubgraphs());
const committedPath = 'schema/supergraph.graphql';

describe('the drift check', () => {
  it('passes when the committed supergraph is what the subgraphs compose to', () => {
    const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');

    expect(checkDrift({ supergraphSdl, committed, committedPath })).toMatchObject({
      status: 'pass',
      details: [],
    });
  });

  it('fails on a hand-edited supergraph file, pointing at the first changed line and at schema:compose', () => {
    const committed = readFileSync(SUPERGRAPH_PATH, 'utf8').replace(
      '  hasNextPage: Boolean!',
      '  hasMore: Boolean!',
    );

    const result = checkDrift({ supergraphSdl, committed, committedPath });

    expect(result.status).toBe('fail');
    expect(result.summary).toContain('run `npm run schema:compose`');
    expect(result.details[0]).toMatch(/^schema\/supergraph\.graphql:\d+ is the first line that differs/);
    expect(result.details).toContain('  committed:   hasMore: Boolean!');
  });

  it('fails when the supergraph file is missing', () => {
    const result = checkDrift({ supergraphSdl, committed: undefined, committedPath });

    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('is missing') });
  });
});
