import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApprovals } from '../src/breaking/approvals.ts';
import { baseFromGit, type BaseSupergraph } from '../src/breaking/base-supergraph.ts';
import { checkBreakingChanges } from '../src/checks/breaking-changes.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { loadSubgraphs } from '../src/subgraphs.ts';
import { SUPERGRAPH_PATH } from '../src/supergraph-file.ts';
import { composed, copySubgraphs, removeUserEmail, tempDir } from './fixtures.ts';

const current = composed(loadSubgraphs());
const base: BaseSupergraph = {
  found: true,
  label: 'the committed supergraph',
  sdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
};
const approvalsPath = 'schema/approved-changes.json';

const copy = copySubgraphs();
removeUserEmail(copy);
const withoutEmail = composed(copy.load());
afterAll(() => copy.remove());

describe('the breaking-changes check', () => {
  it('passes when the API schema did not change', async () => {
    const result = await checkBreakingChanges({ base, supergraphSdl: current, approvals: [], approvalsPath });

    expect(result).toMatchObject({ status: 'pass', details: [], warnings: [] });
    expect(result.summary).toBe(
      '0 breaking (0 approved), 0 dangerous, 0 non-breaking vs the committed supergraph',
    );
  });

  it('fails on a removed field, printing the id to approve it by', async () => {
    const result = await checkBreakingChanges({
      base,
      supergraphSdl: withoutEmail,
      approvals: [],
      approvalsPath,
    });

    expect(result.status).toBe('fail');
    expect(result.summary).toMatch(/^1 unapproved breaking change/);
    expect(result.details[0]).toMatch(
      /^\[BREAKING\] Field 'email' was removed from object type 'User' \(id: FIELD_REMOVED:User\.email\)/,
    );
    expect(result.details.at(-1)).toContain(`add to ${approvalsPath}: {"change":"FIELD_REMOVED:User.email"`);
  });

  it('passes once the change is approved, and reports it as approved', async () => {
    const approvals = parseApprovals(
      JSON.stringify({
        approved: [{ change: 'FIELD_REMOVED:User.email', reason: 'no client reads it', approvedBy: 'grace' }],
      }),
      approvalsPath,
    );

    const result = await checkBreakingChanges({
      base,
      supergraphSdl: withoutEmail,
      approvals,
      approvalsPath,
    });

    expect(result.status).toBe('pass');
    expect(result.details).toEqual([
      "[BREAKING, approved by grace: no client reads it] Field 'email' was removed from object type 'User' (id: FIELD_REMOVED:User.email)",
    ]);
  });

  it('warns about an approval that matches no change', async () => {
    const approvals = [{ change: 'FIELD_REMOVED:User.name', reason: 'r', approvedBy: 'a' }];

    const result = await checkBreakingChanges({ base, supergraphSdl: current, approvals, approvalsPath });

    expect(result.status).toBe('pass');
    expect(result.warnings).toEqual([
      `${approvalsPath}: approval "FIELD_REMOVED:User.name" matches no breaking change; remove it`,
    ]);
  });

  it('passes with a note when there is no base', async () => {
    const result = await checkBreakingChanges({
      base: { found: false, reason: 'no parent commit' },
      supergraphSdl: current,
      approvals: [],
      approvalsPath,
    });

    expect(result).toMatchObject({ status: 'pass', summary: 'no base: no parent commit' });
  });
});

describe('the base supergraph from git', () => {
  it('reads the supergraph committed at a ref', () => {
    const found = baseFromGit({ repoRoot: REPO_ROOT, supergraphPath: SUPERGRAPH_PATH, ref: 'HEAD' });

    expect(found).toMatchObject({ found: true, label: 'schema/supergraph.graphql at HEAD' });
  });

  it('has no base in a repository whose only commit is the first', () => {
    const repo = tempDir('git');
    try {
      const git = (...args: string[]) => spawnSync('git', args, { cwd: repo.dir, encoding: 'utf8' });
      git('init', '--quiet');
      repo.write('schema/supergraph.graphql', base.found ? base.sdl : '');
      git('add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'first');

      const none = baseFromGit({
        repoRoot: repo.dir,
        supergraphPath: repo.path('schema/supergraph.graphql'),
      });

      expect(none).toEqual({ found: false, reason: 'no origin/main and no parent commit to compare with' });
    } finally {
      repo.remove();
    }
  });
});

describe('the approvals file', () => {
  it('is rejected without an "approved" array, naming the file', () => {
    expect(() => parseApprovals('{"approvals": []}', approvalsPath)).toThrow(
      /^schema\/approved-changes\.json: "approved" must be an array/,
    );
  });
});
