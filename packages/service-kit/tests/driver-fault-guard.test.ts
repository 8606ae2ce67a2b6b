import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDriverFault } from '../src/db/driver-fault-guard.ts';

describe('guardDriverFaults: the last line of defence against driver bugs', () => {
  it('keeps the process alive through a driver error thrown outside any query, logged; any other uncaught error still exits 1', () => {
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, 'fixtures', 'driver-fault-guard.ts')],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const contained = lines.filter(
      (line) => line['msg'] === 'database driver fault contained: the process goes on',
    );
    expect(
      contained.map((line) => [line['origin'], (line['err'] as { message: string }).message]).sort(),
    ).toEqual([
      ['uncaughtException', "Cannot read properties of null (reading 'write')"],
      ['unhandledRejection', 'terminating connection due to administrator command'],
    ]);
    expect(lines).toContainEqual({ alive: true, contained: 2 });
    const fatal = lines.find((line) => line['msg'] === 'uncaught error: exiting');
    expect((fatal?.['err'] as { message: string } | undefined)?.message).toBe('a bug of our own');
    expect(lines).not.toContainEqual({ alive: true, afterBug: true });
    expect(run.status).toBe(1);
  });

  it('tells driver errors from others by the throwing frame, the error name or a connection error code', () => {
    const atFrame = (frame: string) => Object.assign(new Error('x'), { stack: `Error: x\n    at ${frame}` });
    expect(isDriverFault(atFrame('nextWrite (/srv/node_modules/postgres/cjs/src/connection.js:1:1)'))).toBe(
      true,
    );
    expect(
      isDriverFault(atFrame('f (/srv/node_modules/.pnpm/postgres@3.4.9/node_modules/postgres/src/a.js:1:1)')),
    ).toBe(true);
    expect(isDriverFault(Object.assign(new Error('closed'), { code: 'CONNECTION_CLOSED' }))).toBe(true);
    expect(isDriverFault(atFrame('handler (/srv/subgraphs/orders/src/postgres/queries.ts:1:1)'))).toBe(false);
    expect(isDriverFault(atFrame('g (/srv/node_modules/postgres-array/index.js:1:1)'))).toBe(false);
    expect(isDriverFault('a string')).toBe(false);
  });
});
