import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { capturedLogger } from './captured-logger.ts';
import {
  configureGatewayHeap,
  GATEWAY_NODE_OPTIONS,
  youngGenerationCapMissing,
  youngGenerationCapped,
} from '../src/heap.ts';

const GiB = 1024 ** 3;
const NO_LIMIT = 2 ** 64; // what process.constrainedMemory() says outside a memory-limited cgroup

describe('heap sizing', () => {
  it('recognises the young-generation cap from the command line or NODE_OPTIONS, in either spelling', () => {
    expect(youngGenerationCapped([], GATEWAY_NODE_OPTIONS)).toBe(true);
    expect(youngGenerationCapped(['--max_semi_space_size=8'], '')).toBe(true);
    expect(youngGenerationCapped(['--max-old-space-size=512'], '--enable-source-maps')).toBe(false);
    expect(youngGenerationCapped([], '')).toBe(false);
  });

  it('misses the cap only without one and without a container limit Node sizes the young generation from', () => {
    expect(youngGenerationCapMissing(NO_LIMIT, false)).toBe(true);
    expect(youngGenerationCapMissing(0, false)).toBe(true);
    expect(youngGenerationCapMissing(4 * GiB, false)).toBe(true);
    expect(youngGenerationCapMissing(512 * 1024 ** 2, false)).toBe(false);
    expect(youngGenerationCapMissing(2 * GiB, false)).toBe(false);
    expect(youngGenerationCapMissing(NO_LIMIT, true)).toBe(false);
  });

  it('uses flags this Node knows (V8 ignores an unknown one set at run time, so ask the command line)', () => {
    // configureGatewayHeap sets --heap-growing-percent with v8.setFlagsFromString, which only prints a warning for
    // a misspelt flag; node refuses one on its command line.
    const run = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' }).status;
    expect(run('--heap-growing-percent=30', ...GATEWAY_NODE_OPTIONS.split(' '))).toBe(0);
    expect(run('--heap-growing-precent=30')).not.toBe(0);
  });

  it('is one flag Node accepts in NODE_OPTIONS', () => {
    const result = spawnSync(process.execPath, ['-e', '0'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: GATEWAY_NODE_OPTIONS },
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('warns at start exactly when the young generation is unbounded, naming the flag', () => {
    const { logger, lines } = capturedLogger('gateway');
    configureGatewayHeap(0, logger);
    // This test process has no cap; whether it has a small container limit depends on where it runs.
    expect(lines.map(({ level, expected }) => ({ level, expected }))).toEqual(
      youngGenerationCapMissing() ? [{ level: 40, expected: GATEWAY_NODE_OPTIONS }] : [],
    );
  });
});
