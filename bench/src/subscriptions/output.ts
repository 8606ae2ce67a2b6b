import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { SubscriptionScenarioResult } from './scenario.ts';

/** `<dir>/<date>-subscriptions.{json,md}`, copied to `subscriptions-latest.{json,md}`; returns the paths. */
export async function writeSubscriptionResults(
  result: SubscriptionScenarioResult,
  markdown: string,
  dir: string,
  argv: readonly string[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const createdAt = new Date().toISOString();
  const stamp = createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const base = join(dir, `${stamp}-subscriptions`);
  const json = {
    createdAt,
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    machine: {
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    },
    result,
  };
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${base}.md`, `${markdown.trimEnd()}\n`);
  await copyFile(`${base}.json`, join(dir, 'subscriptions-latest.json'));
  await copyFile(`${base}.md`, join(dir, 'subscriptions-latest.md'));
  return [`${base}.json`, `${base}.md`];
}
