import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { afterAll, describe, expect, it } from 'vitest';
import { checkManifest } from '../src/checks/manifest.ts';
import { findOperationFiles, findOperationFilesIn, readOperationFiles } from '../src/operations/corpus.ts';
import { buildManifest, isClientCorpusFile, renderManifest } from '../src/operations/manifest.ts';
import { MANIFEST_PATH, REPO_ROOT } from '../src/paths.ts';

const scratch = mkdtempSync(join(tmpdir(), 'manifest-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Fragments in another file, nested spreads, an inline fragment and a field that already selects __typename:
// what the e2e corpus does not exercise of Apollo's body rules.
writeFileSync(
  join(scratch, 'Fragments.graphql'),
  'fragment Money on Money { amount currency }\nfragment OrderBits on Order { id total { ...Money } }\n',
);
writeFileSync(
  join(scratch, 'WithFragments.graphql'),
  'query WithFragments($first: Int) { orders(first: $first) { __typename edges { node { ...OrderBits ... on Order { status } } } } }\n',
);

const clientCorpus = () =>
  readOperationFiles(findOperationFiles(REPO_ROOT), REPO_ROOT).filter(isClientCorpusFile);

describe('the trusted-documents manifest', () => {
  it('has the ids, names, types and bodies @apollo/generate-persisted-query-manifest computes for the same documents', async () => {
    const dirs = [join(REPO_ROOT, 'e2e', 'operations'), scratch];
    const theirs = await generatePersistedQueryManifest(
      { documents: dirs.map((dir) => `${dir}/**/*.graphql`) },
      undefined,
    );
    const ours = buildManifest(readOperationFiles(findOperationFilesIn(dirs), REPO_ROOT));

    expect(ours.problems).toEqual([]);
    expect(ours.manifest.operations.length).toBeGreaterThanOrEqual(15);
    const byName = (list: readonly { name: string }[]) =>
      [...list].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(ours.manifest.operations)).toEqual(byName(theirs.operations));
    expect(ours.manifest.format).toBe(theirs.format);
    expect(ours.manifest.version).toBe(theirs.version);
  });

  it('is committed exactly as the client corpora render it, and the check passes', () => {
    const committed = readFileSync(MANIFEST_PATH, 'utf8');
    expect(committed).toBe(renderManifest(buildManifest(clientCorpus()).manifest));
    const result = checkManifest({ corpus: clientCorpus(), committed, committedPath: 'manifest.json' });
    expect(result).toMatchObject({ status: 'pass', details: [] });
  });

  it('fails the check when the committed manifest lacks an operation of the corpus, naming it', () => {
    const corpus = [
      ...clientCorpus(),
      { file: 'web/operations/Extra.graphql', source: 'query Extra { me { id } }' },
    ];
    const result = checkManifest({
      corpus,
      committed: readFileSync(MANIFEST_PATH, 'utf8'),
      committedPath: 'manifest.json',
    });
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('manifest.json differs from the operations corpus');
    expect(result.details).toEqual([
      expect.stringMatching(/^Extra \([0-9a-f]{12}…\) is not in manifest.json/),
    ]);
  });

  it('fails the check when two client operations share a name, or one has none', () => {
    const corpus = [
      { file: 'e2e/operations/A.graphql', source: 'query Same { me { id } }' },
      { file: 'web/operations/B.graphql', source: 'query Same { me { name } }\nquery { me { id } }' },
    ];
    const result = checkManifest({ corpus, committed: undefined, committedPath: 'manifest.json' });
    expect(result.status).toBe('fail');
    expect(result.details).toEqual([
      'web/operations/B.graphql (query Same): the name is already used in e2e/operations/A.graphql',
      'web/operations/B.graphql: an anonymous query cannot be a trusted document; name it',
    ]);
  });

  it('leaves subgraph test corpora out: they are written against one subgraph, never sent by a client', () => {
    const corpus = [
      {
        file: 'subgraphs/users/tests/operations/Entities.graphql',
        source: 'query Entities { _service { sdl } }',
      },
      { file: 'e2e/operations/Me.graphql', source: 'query Me { me { id } }' },
    ];
    expect(corpus.filter(isClientCorpusFile).map(({ file }) => file)).toEqual(['e2e/operations/Me.graphql']);
  });
});
