import { isAbsolute, relative } from 'node:path';

/** A path as messages show it: relative to the repository root when inside it, absolute otherwise. */
export function displayPath(path: string, repoRoot: string): string {
  const inside = relative(repoRoot, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside.split('\\').join('/');
}
