import { globSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { displayPath } from '../display-path.ts';

/** One `.graphql` file of operations that a client sends, named as the report should show it. */
export interface OperationFile {
  /** Relative to the repository root when inside it, absolute otherwise. */
  readonly file: string;
  readonly source: string;
}

// Folders that hold installed, generated or runtime files, never a client's operations.
const SKIPPED = new Set(['node_modules', '.git', '.data', '.turbo', 'dist', 'coverage', 'generated']);

/**
 * Every `.graphql` file under an `operations/` folder anywhere in the repository (e2e/operations and the
 * corpora that clients contribute), outside installed and generated folders, in a stable order.
 */
export function findOperationFiles(repoRoot: string): string[] {
  return globSync('**/operations/**/*.graphql', {
    cwd: repoRoot,
    exclude: (path: string) => SKIPPED.has(basename(path)),
  })
    .map((path) => join(repoRoot, path))
    .sort();
}

/** Every `.graphql` file under the given folders (`--operations-dir`), in a stable order. */
export function findOperationFilesIn(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) => globSync('**/*.graphql', { cwd: dir }).map((path) => join(dir, path))).sort();
}

export function readOperationFiles(paths: readonly string[], repoRoot: string): OperationFile[] {
  return paths.map((path) => ({ file: displayPath(path, repoRoot), source: readFileSync(path, 'utf8') }));
}
