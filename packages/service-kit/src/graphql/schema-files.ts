import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

/** Every `.graphql` file under `dir`, in a stable order (base.graphql first, then by path). */
export function listSchemaFiles(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  return files.map((file) => join(dir, file));
}

/** The subgraph's SDL as one string: what the server serves and what composition reads. */
export function readSchemaSdl(dir: string): string {
  return listSchemaFiles(dir)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

export function loadSchemaDocument(dir: string): DocumentNode {
  return parse(readSchemaSdl(dir));
}
