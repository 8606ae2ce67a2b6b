import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse, print, visit } from 'graphql';
import { composeSupergraph } from '../src/compose.ts';
import { loadSubgraphs, loadSubgraphsFrom, type SubgraphSchema } from '../src/subgraphs.ts';

/** A fresh temporary folder; remove() deletes it. */
export function tempDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `schema-check-${prefix}-`));
  return {
    dir,
    path: (...parts: string[]) => join(dir, ...parts),
    write(path: string, text: string) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      return join(dir, path);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A copy of every subgraph's SDL (`<dir>/users/user/schema.graphql`, ...) to change without touching the
 * repository; load() reads it back the way `--subgraphs-dir` does.
 */
export function copySubgraphs() {
  const temp = tempDir('subgraphs');
  for (const subgraph of loadSubgraphs()) {
    for (const file of subgraph.files) {
      const target = temp.path(subgraph.name, relative(subgraph.schemaDir, file.path));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file.path, target);
    }
  }
  return {
    ...temp,
    /** Rewrites `<subgraph>/<file>` in the copy; fails loudly when the edit changed nothing. */
    edit(path: string, change: (sdl: string) => string) {
      const before = readFileSync(temp.path(path), 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`editing ${path} changed nothing`);
      writeFileSync(temp.path(path), after);
    },
    load: (): SubgraphSchema[] => loadSubgraphsFrom(temp.dir),
  };
}

/** Removes `User.email` (and its description) from the users subgraph of a copy. */
export function removeUserEmail(copy: ReturnType<typeof copySubgraphs>): void {
  // Through the AST, so the edit does not depend on how the field and its description are written.
  copy.edit('users/user/schema.graphql', (sdl) =>
    print(
      visit(parse(sdl), {
        ObjectTypeDefinition: (type) =>
          type.name.value === 'User'
            ? { ...type, fields: type.fields?.filter((field) => field.name.value !== 'email') }
            : undefined,
      }),
    ),
  );
}

/** The supergraph SDL the subgraphs compose to, or a thrown error listing why they do not. */
export function composed(subgraphs: readonly SubgraphSchema[]): string {
  const outcome = composeSupergraph(subgraphs);
  if (!outcome.ok) throw new Error(outcome.errors.join('\n\n'));
  return outcome.supergraphSdl;
}
