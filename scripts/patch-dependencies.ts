/**
 * Applies the reviewed patches in patches/ to installed packages. It is the root `postinstall`, so every
 * `npm ci` (CI, a fresh clone, the Docker install stage) applies them; see patches/README.md for why each
 * exists and how to re-check it against a new upstream version.
 *
 * A patch is a unified diff named `<package>+<version>.patch` (patch-package's naming, scoped names as
 * `@scope+name+<version>.patch`), with paths `a/node_modules/<package>/…`. It applies only to that exact
 * version: any other installed version fails the install, so a dependency update cannot silently drop (or
 * misapply) a fix. Applying twice changes nothing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Hunk {
  before: string[];
  after: string[];
}

interface FilePatch {
  path: string;
  hunks: Hunk[];
}

export type PatchResult = 'applied' | 'already-applied' | 'package-absent';

/** Splits `<package>+<version>.patch` into its package name and version. */
export function patchTarget(fileName: string): { name: string; version: string } {
  const match = /^(.+)\+([^+]+)\.patch$/.exec(fileName);
  if (!match) throw new Error(`${fileName}: expected a name like <package>+<version>.patch`);
  return { name: match[1]!.replace(/^(@[^+]+)\+/, '$1/'), version: match[2]! };
}

/** Reads the files and hunks of a unified diff; each hunk's header says how many lines it spans. */
export function parsePatch(text: string): FilePatch[] {
  const files: FilePatch[] = [];
  let hunk: Hunk | undefined;
  let beforeLeft = 0;
  let afterLeft = 0;
  for (const line of text.split('\n')) {
    if (beforeLeft > 0 || afterLeft > 0) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      const body = line.slice(1);
      if (line[0] !== '+') {
        hunk!.before.push(body);
        beforeLeft--;
      }
      if (line[0] !== '-') {
        hunk!.after.push(body);
        afterLeft--;
      }
      continue;
    }
    const target = /^\+\+\+ b\/(.+)$/.exec(line);
    const header = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (target) {
      files.push({ path: target[1]!, hunks: [] });
    } else if (header) {
      const file = files.at(-1);
      if (!file) throw new Error(`a hunk before any file header: ${line}`);
      hunk = { before: [], after: [] };
      file.hunks.push(hunk);
      beforeLeft = Number(header[1] ?? 1);
      afterLeft = Number(header[2] ?? 1);
    }
  }
  if (beforeLeft > 0 || afterLeft > 0) throw new Error('the patch ends inside a hunk');
  return files;
}

function indexOfLines(lines: readonly string[], block: readonly string[], from = 0): number {
  outer: for (let start = from; start + block.length <= lines.length; start++) {
    for (let offset = 0; offset < block.length; offset++) {
      if (lines[start + offset] !== block[offset]) continue outer;
    }
    return start;
  }
  return -1;
}

/** Applies every hunk of one file, or reports that all of them are already there; anything else throws. */
function patchFile(content: string, file: FilePatch): { content: string; applied: boolean } {
  let lines = content.split('\n');
  const present = file.hunks.map(
    (hunk) => indexOfLines(lines, hunk.before) === -1 && indexOfLines(lines, hunk.after) !== -1,
  );
  if (present.every(Boolean)) return { content, applied: false };
  if (present.some(Boolean)) throw new Error(`${file.path}: partly patched already; reinstall the package`);
  let cursor = 0;
  for (const hunk of file.hunks) {
    const at = indexOfLines(lines, hunk.before, cursor);
    if (at === -1 || indexOfLines(lines, hunk.before, at + 1) !== -1) {
      throw new Error(`${file.path}: a hunk's context is missing or not unique:\n${hunk.before.join('\n')}`);
    }
    lines = [...lines.slice(0, at), ...hunk.after, ...lines.slice(at + hunk.before.length)];
    cursor = at + hunk.after.length;
  }
  return { content: lines.join('\n'), applied: true };
}

/**
 * Applies one patch file to the packages installed under `root/node_modules`. With `dryRun`, only tells what
 * it would do (`applied` then means "not applied yet").
 */
export function applyPatch(root: string, patchPath: string, { dryRun = false } = {}): PatchResult {
  const { name, version } = patchTarget(patchPath.split('/').at(-1)!);
  const manifest = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) return 'package-absent';
  const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  if (installed !== version) {
    throw new Error(
      `${patchPath} is for ${name} ${version}, but ${installed} is installed: check whether the new version ` +
        `fixes the bug upstream (patches/README.md says how), then remove or regenerate the patch`,
    );
  }
  const files = parsePatch(readFileSync(patchPath, 'utf8'));
  if (files.length === 0) throw new Error(`${patchPath}: no files in the patch`);
  const results = files.map((file) => {
    const path = join(root, file.path);
    const { content, applied } = patchFile(readFileSync(path, 'utf8'), file);
    return { path, content, applied };
  });
  // Written only once every file's hunks matched, so a failed patch leaves the package as installed.
  if (!dryRun) for (const { path, content, applied } of results) if (applied) writeFileSync(path, content);
  return results.some((result) => result.applied) ? 'applied' : 'already-applied';
}

function main(root: string): void {
  const folder = join(root, 'patches');
  const patches = existsSync(folder) ? readdirSync(folder).filter((file) => file.endsWith('.patch')) : [];
  for (const file of patches.sort()) {
    console.log(`patches/${file}: ${applyPatch(root, join(folder, file))}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.cwd());
