import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Log lines go to stdout in batches (stdoutLogDestination): none may be lost or torn, whether the process
 * stays up with a partly filled batch, exits, or crashes.
 */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'log-lines.ts');

function runFixture(mode: 'stay' | 'flooded' | 'exit' | 'crash', lines: number, flushMs: number) {
  const child = spawn(process.execPath, [FIXTURE], {
    env: {
      PATH: process.env['PATH'],
      LOG_FIXTURE_MODE: mode,
      LOG_FIXTURE_LINES: String(lines),
      LOG_FIXTURE_FLUSH_MS: String(flushMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { lines: number; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const written = stdout.split('\n').length - 1;
    for (const wait of waiting.filter(({ lines }) => written >= lines)) wait.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'close').then(() => child.exitCode);
  /** The `line` field of every line written so far; throws on a line that is not whole JSON. */
  const logged = () =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((text) => (JSON.parse(text) as { line: number; msg: string }).line);
  /** Resolves once `lines` whole lines have been written (the test's timeout bounds the wait). */
  const written = (lines: number) => new Promise<void>((resolve) => waiting.push({ lines, resolve }));
  return { child, exited, logged, written, stderr: () => stderr };
}

const upTo = (count: number) => Array.from({ length: count }, (_, line) => line);
// At exit pino writes what is buffered while the batch before it may still be in flight: every line must
// arrive, whole, not necessarily in order.
const sorted = (lines: number[]) => [...lines].sort((a, b) => a - b);

describe('stdoutLogDestination', () => {
  it('writes a batch short of 4 KiB within the flush interval while the process stays up', async () => {
    const run = runFixture('stay', 3, 200);
    try {
      await run.written(3);
      expect(run.logged()).toEqual([0, 1, 2]);
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('writes each line at once with flushMs 0', async () => {
    const run = runFixture('stay', 1, 0);
    try {
      await run.written(1);
      expect(run.logged()).toEqual([0]);
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('never stops the process when nobody reads stdout: it drops lines beyond its buffer instead', async () => {
    const run = runFixture('flooded', 100_000, 200);
    run.child.stdout.pause();
    try {
      await new Promise<void>((resolve) =>
        run.child.stderr.on('data', () => run.stderr().includes('still running') && resolve()),
      );
      expect(run.child.exitCode).toBeNull();
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('writes every buffered line, whole, when the process exits', async () => {
    // A flush interval longer than the test: only the exit can have written what was still buffered.
    const run = runFixture('exit', 2_000, 60_000);
    expect(await run.exited).toBe(3);
    expect(sorted(run.logged())).toEqual(upTo(2_000));
  });

  it('writes every buffered line when the process crashes', async () => {
    const run = runFixture('crash', 50, 60_000);
    expect(await run.exited).toBe(1);
    expect(sorted(run.logged())).toEqual(upTo(50));
    expect(run.stderr()).toContain('Error: crashed after logging');
  });
});
