import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format, getFileInfo, resolveConfig } from 'prettier';
import { subgraphFiles } from './files.ts';
import { subgraphNames, type SubgraphNames } from './names.ts';
import { k8sManifest, repoEdits } from './repo-edits.ts';

export interface GeneratedSubgraph {
  names: SubgraphNames;
  /** Files written, relative to the repository. */
  created: string[];
  /** Files changed, relative to the repository, with what each entry is for. */
  changed: { path: string; what: string }[];
}

/**
 * Scaffolds `subgraphs/<name>` in the shape of users and orders and adds its entries elsewhere (composition,
 * codegen, compose, Kubernetes, db:provision, Dockerfile). Checks the name and every edit before writing
 * anything, so a refusal leaves the repository as it was. The first migration is drizzle-kit's own output.
 */
export async function generateSubgraph(repoRoot: string, name: string): Promise<GeneratedSubgraph> {
  const names = subgraphNames(repoRoot, name);
  const dir = join('subgraphs', name);
  const files = Object.entries(subgraphFiles(names)).map(([path, text]) => [join(dir, path), text] as const);
  files.push([join('deploy', 'k8s', `${name}.yaml`), k8sManifest(names)]);
  // Several entries may go into one file: each edit works on the text the previous ones left.
  const edited = new Map<string, string>();
  for (const edit of repoEdits(names)) {
    const text = edited.get(edit.path) ?? readFileSync(join(repoRoot, edit.path), 'utf8');
    edited.set(edit.path, edit.edit(text));
  }

  for (const [path, text] of files) await write(repoRoot, path, text);
  for (const [path, text] of edited) await write(repoRoot, path, text);
  // drizzle-kit writes src/db/migrations/0000_init.sql and its snapshot from src/db/schema.ts.
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'drizzle-kit'), ['generate', '--name', 'init'], {
    cwd: join(repoRoot, dir),
    stdio: 'pipe',
  });
  return {
    names,
    created: [...files.map(([path]) => path), join(dir, 'src', 'db', 'migrations')],
    changed: repoEdits(names).map(({ path, what }) => ({ path, what })),
  };
}

/** Writes a file formatted by the repository's prettier config, as `npm run format` would leave it. */
async function write(repoRoot: string, path: string, text: string): Promise<void> {
  const file = join(repoRoot, path);
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
  // Files prettier does not format (Dockerfile, .env.example) are written as they are.
  const { inferredParser } = await getFileInfo(file);
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, inferredParser ? await format(text, { ...options, filepath: file }) : text);
}
