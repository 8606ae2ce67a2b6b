import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The supergraph to compare against, or why there is none (then there is nothing to break). */
export type BaseSupergraph =
  | { readonly found: true; readonly label: string; readonly sdl: string }
  | { readonly found: false; readonly reason: string };

/** `--base-file`: a supergraph file on disk (e.g. the one production serves). */
export function baseFromFile(path: string, label = path): BaseSupergraph {
  return { found: true, label, sdl: readFileSync(path, 'utf8') };
}

export interface GitBaseOptions {
  readonly repoRoot: string;
  /** The supergraph file whose committed version is the base. */
  readonly supergraphPath: string;
  /** `--base <ref>`; by default the merge base with origin/main, else the parent commit. */
  readonly ref?: string | undefined;
}

/**
 * The supergraph as committed at the base: what clients may already rely on. A pull request is compared
 * with where it branched from origin/main (not origin/main's tip, whose own changes are not this branch's);
 * without origin/main (a local clone) with the previous commit.
 */
export function baseFromGit({ repoRoot, supergraphPath, ref }: GitBaseOptions): BaseSupergraph {
  const git = (...args: string[]) => runGit(repoRoot, args);
  if (git('rev-parse', '--is-inside-work-tree') === undefined) {
    return { found: false, reason: `${repoRoot} is not a git work tree` };
  }
  const base = ref === undefined ? defaultBase(git) : { ref, label: ref };
  if (base === undefined)
    return { found: false, reason: 'no origin/main and no parent commit to compare with' };
  if (git('rev-parse', '--verify', '--quiet', `${base.ref}^{commit}`) === undefined) {
    throw new Error(`--base ${base.ref}: no such commit`);
  }
  // Git wants forward slashes relative to the repository root, whatever the platform.
  const file = relative(repoRoot, supergraphPath).split('\\').join('/');
  const sdl = git('show', `${base.ref}:${file}`);
  if (sdl === undefined) return { found: false, reason: `${file} did not exist at ${base.label}` };
  return { found: true, label: `${file} at ${base.label}`, sdl };
}

function defaultBase(
  git: (...args: string[]) => string | undefined,
): { ref: string; label: string } | undefined {
  if (git('rev-parse', '--verify', '--quiet', 'origin/main^{commit}') !== undefined) {
    const mergeBase = git('merge-base', 'HEAD', 'origin/main')?.trim();
    if (mergeBase)
      return { ref: mergeBase, label: `the merge base with origin/main (${mergeBase.slice(0, 12)})` };
  }
  if (git('rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}') === undefined) return undefined;
  return { ref: 'HEAD~1', label: 'HEAD~1' };
}

/** stdout, or undefined when git fails (missing ref, missing file, not a repository). */
function runGit(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}
