import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './report.ts';

export interface WrittenFiles {
  json: string;
  markdown: string;
  latestJson: string;
  latestMarkdown: string;
}

/** `<dir>/<date>[-quick].{json,md}`, and the same copied to `latest.{json,md}`. */
export async function writeResults(
  results: BenchResults,
  markdown: string,
  dir: string,
): Promise<WrittenFiles> {
  await mkdir(dir, { recursive: true });
  const stamp = results.meta.createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const base = join(dir, `${stamp}${results.meta.mode === 'quick' ? '-quick' : ''}`);
  const files = {
    json: `${base}.json`,
    markdown: `${base}.md`,
    latestJson: join(dir, 'latest.json'),
    latestMarkdown: join(dir, 'latest.md'),
  };
  await writeFile(files.json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(files.markdown, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  await copyFile(files.json, files.latestJson);
  await copyFile(files.markdown, files.latestMarkdown);
  return files;
}
