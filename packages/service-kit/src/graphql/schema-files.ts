import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';

/**
 * What every subgraph's SDL starts with: the federation link, DateTime, cache hints and PageInfo. One file
 * in the kit, prepended to each subgraph's own files wherever its SDL is read (server, composition, codegen).
 */
export const BASE_SCHEMA_FILE = join(import.meta.dirname, 'base.graphql');

/** The subgraph's own `.graphql` files under `dir`, in a stable order (by path). */
export function listSchemaFiles(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => a.localeCompare(b));
  return files.map((file) => join(dir, file));
}

/** The subgraph's SDL as one string, the base first: what the server serves and what composition reads. */
export function readSchemaSdl(dir: string): string {
  return [BASE_SCHEMA_FILE, ...listSchemaFiles(dir)].map((file) => readFileSync(file, 'utf8')).join('\n');
}

export function loadSchemaDocument(dir: string): DocumentNode {
  return parse(readSchemaSdl(dir));
}
