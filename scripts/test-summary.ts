/**
 * Adds up the vitest summaries ("Tests  3 failed | 40 passed (43)") found in turbo's logs and prints one
 * closing line, `tests: N passed, N failed`, for the whole CI run. Exits non-zero when nothing ran.
 */
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!summary) continue;
    for (const [, count, kind] of summary[1]!.matchAll(/(\d+)\s+(passed|failed|skipped|todo)/g)) {
      if (kind === 'passed') passed += Number(count);
      else if (kind === 'failed') failed += Number(count);
      else skipped += Number(count);
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
