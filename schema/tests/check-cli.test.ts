import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { pass, fail } from '../src/checks/result.ts';
import { parseCheckOptions, UsageError } from '../src/cli/options.ts';
import { renderDetails, renderJson, renderTable } from '../src/cli/report.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { SUPERGRAPH_PATH } from '../src/supergraph-file.ts';
import { copySubgraphs, removeUserEmail } from './fixtures.ts';

/** `npm exec -- node schema/src/check-cli.ts ...` from the repository root, as CI runs it. */
async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      ['exec', '--', 'node', 'schema/src/check-cli.ts', ...args],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const copy = copySubgraphs();
removeUserEmail(copy);
afterAll(() => copy.remove());

// Each run starts a process; running them side by side keeps the file fast.
// A run loads ESLint, Apollo's planner and both subgraphs' resolvers: seconds, not milliseconds.
describe.concurrent('npm run schema:check (the CLI)', { timeout: 30_000 }, () => {
  it('exits 0 on the current tree and prints a table of seven passing checks', async () => {
    const { code, stdout } = await runCli('--base-file', SUPERGRAPH_PATH);

    expect(code, stdout).toBe(0);
    for (const check of [
      'composition',
      'drift',
      'breaking-changes',
      'operations',
      'subgraph-lint',
      'query-plans',
      'trusted-documents',
    ]) {
      expect(stdout).toMatch(new RegExp(`^${check} +\\| pass +\\| `, 'm'));
    }
    expect(stdout).toContain('All schema checks passed.');
  });

  it('exits 1 when User.email is removed, printing the breaking change and its id', async () => {
    const { code, stdout } = await runCli('--subgraphs-dir', copy.dir, '--base-file', SUPERGRAPH_PATH);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^breaking-changes +\| fail +\| 1 unapproved breaking change/m);
    expect(stdout).toContain(
      "[BREAKING] Field 'email' was removed from object type 'User' (id: FIELD_REMOVED:User.email)",
    );
    // The committed supergraph still has the field, and e2e operations still ask for it.
    expect(stdout).toMatch(/^drift +\| fail +\| schema\/supergraph\.graphql differs/m);
    expect(stdout).toContain(
      'e2e/operations/SignUp.graphql:7:7 (mutation SignUp): Cannot query field "email" on type "User".',
    );
  });
});

describe('command-line options', () => {
  it('resolves paths against the directory the command was typed in', () => {
    const options = parseCheckOptions(
      ['--base-file', 'schema/supergraph.graphql', '--operations-dir', 'a', '--operations-dir', 'b'],
      REPO_ROOT,
    );

    expect(options.baseFile).toBe(SUPERGRAPH_PATH);
    expect(options.operationsDirs).toEqual([join(REPO_ROOT, 'a'), join(REPO_ROOT, 'b')]);
    expect(readFileSync(options.baseFile!, 'utf8')).toContain('@join__graph');
  });

  it('rejects unknown options and --base together with --base-file', () => {
    expect(() => parseCheckOptions(['--nope'], REPO_ROOT)).toThrow(UsageError);
    expect(() => parseCheckOptions(['--base', 'HEAD', '--base-file', 'x'], REPO_ROOT)).toThrow(
      /alternatives/,
    );
  });
});

describe('the report', () => {
  const results = [
    pass('composition', 'users, orders compose'),
    fail('breaking-changes', '1 unapproved breaking change(s)', {
      details: [
        "[BREAKING] Field 'email' was removed from object type 'User' (id: FIELD_REMOVED:User.email)",
      ],
      warnings: ['[DANGEROUS] something'],
    }),
  ];

  it('lines up check, status and summary in a table, then lists what failed or warned', () => {
    expect(renderTable(results)).toBe(
      [
        'check            | status | summary',
        '-----------------+--------+--------',
        'composition      | pass   | users, orders compose',
        'breaking-changes | fail   | 1 unapproved breaking change(s)',
      ].join('\n'),
    );
    expect(renderDetails(results)).toBe(
      [
        'breaking-changes: fail - 1 unapproved breaking change(s)',
        "  - [BREAKING] Field 'email' was removed from object type 'User' (id: FIELD_REMOVED:User.email)",
        '  warning: [DANGEROUS] something',
      ].join('\n'),
    );
  });

  it('prints one JSON object { ok, checks } for --json', () => {
    expect(JSON.parse(renderJson(results))).toEqual({ ok: false, checks: results });
  });
});
