import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { machinePostgresUrl } from '@supergraph/testing/machine-services';

/**
 * Regression test for the postgres.js bugs patched in patches/postgres+3.4.9.patch (porsager/postgres#1154,
 * #1208, #1192, #1205, #1223): terminating backends under concurrent transactions crashed the process with
 * `TypeError: Cannot read properties of null (reading 'write')` at `nextWrite`, or left transactions pending
 * forever. Unpatched, the fixture process exits with that TypeError on every run.
 */
/** PostgreSQL-only: the machine's (TEST_DATABASE_URL or 127.0.0.1:5432), in every run of `npm test`. */
const adminUrl = machinePostgresUrl();

interface FixtureResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runFixture(databaseUrl: string): Promise<FixtureResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'fixtures', 'terminate-under-writes.ts')],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, ADMIN_URL: adminUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('postgres.js under pg_terminate_backend (real PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('driver_faults', adminUrl);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('20 terminations under 16 concurrent writers: the process lives, and every transaction commits or fails with a connection error', async () => {
    const { code, stdout, stderr } = await runFixture(database.url!);
    // What the fixture printed, when it did not end cleanly: the error that escaped the driver, if one did.
    onTestFailed(() =>
      console.error(
        `fixture exit ${code}\nstderr:\n${stderr.slice(-5_000)}\nstdout:\n${stdout.slice(-2_000)}`,
      ),
    );
    expect(stderr).not.toMatch(/TypeError|unhandled/i);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      committed: number;
      failures: Record<string, number>;
      settled: boolean;
      rows: number;
    };
    const failed = result.failures['unavailable'] ?? 0;
    // A commit can reach the server and the connection die before its answer: the client saw a failure for a
    // transaction that committed (why mutations take idempotency keys; see docs/operations.md).
    const committedButFailed = result.rows / 2 - result.committed;
    console.log(
      `driver faults: ${JSON.stringify(result)}; committed but reported failed: ${committedButFailed}`,
    );
    expect(result.settled).toBe(true);
    // The terminations hit transactions (some failed), none failed without a connection error code.
    expect(Object.keys(result.failures)).toEqual(['unavailable']);
    expect(result.failures['unavailable']).toBeGreaterThan(0);
    expect(result.committed).toBeGreaterThan(0);
    // Every transaction wrote both rows or none, and none that reported success is missing.
    expect(result.rows % 2).toBe(0);
    expect(committedButFailed).toBeGreaterThanOrEqual(0);
    expect(committedButFailed).toBeLessThanOrEqual(failed);
  }, 60_000);
});
