/**
 * Adds up the vitest summaries ("Tests  3 failed | 40 passed (43)") found in turbo's logs and prints one
 * closing line, `tests: N passed, N failed`, for the whole CI run. A task whose result turbo replayed from
 * its cache (same inputs as an earlier round) is not counted again. Exits non-zero when nothing ran.
 */
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const replayed = new Set<string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    // eslint-disable-next-line no-control-regex -- strips the ANSI colours vitest writes into turbo's logs
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
    const task = /^(\S+:test):/.exec(line)?.[1];
    if (task && /cache hit, replaying logs/.test(line)) replayed.add(task);
    if (task && replayed.has(task)) continue;
    const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
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
