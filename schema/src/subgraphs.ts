import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listSchemaFiles, readSchemaSdl } from '@supergraph/service-kit/graphql';
import { REPO_ROOT } from './paths.ts';

/** One subgraph as composition sees it: its name, a default routing URL and its SDL. */
export interface SubgraphSource {
  readonly name: string;
  /** Only the default written into the supergraph; the gateway routes by its own configuration. */
  readonly url: string;
  readonly sdl: string;
}

export interface SchemaFile {
  readonly path: string;
  readonly sdl: string;
}

/** A subgraph with the files its SDL came from, for checks that point at a file and line (lint). */
export interface SubgraphSchema extends SubgraphSource {
  readonly schemaDir: string;
  readonly files: readonly SchemaFile[];
}

/** Each subgraph's SDL is the `.graphql` files under `subgraphs/<name>/src/graphql` (after the kit's base). */
const schemaDirOf = (name: string) => join(REPO_ROOT, 'subgraphs', name, 'src', 'graphql');

/**
 * The repository's subgraphs, by path: composition reads each one's `.graphql` files (`schemaDir`) and the
 * lint loads its resolver map (`resolversModule`, beside them) only when it runs; no subgraph package is a
 * dependency. `npm run new:subgraph` adds a line here.
 */
export const REPO_SUBGRAPHS = [
  { name: 'users', url: 'http://127.0.0.1:4001/graphql', schemaDir: schemaDirOf('users') },
  { name: 'orders', url: 'http://127.0.0.1:4002/graphql', schemaDir: schemaDirOf('orders') },
  { name: 'catalog', url: 'http://127.0.0.1:4003/graphql', schemaDir: schemaDirOf('catalog') },
] as const;

/** The module exporting a subgraph's resolver map (`resolvers`), for the lint of reference resolvers. */
export const resolversModuleOf = (schemaDir: string): string => join(schemaDir, 'resolvers.ts');

/** The subgraphs that make up the supergraph, with their SDL read from disk now (not at import). */
export function loadSubgraphs(): SubgraphSchema[] {
  return REPO_SUBGRAPHS.map(({ name, url, schemaDir }) => readSubgraphSchema(name, url, schemaDir));
}

/**
 * The subgraphs in `dir`, one folder each named after its subgraph (`<dir>/users/**\/*.graphql`): how checks
 * run against a copy of the SDL. A known subgraph keeps its repo URL and position, so an unchanged copy
 * composes to exactly the committed supergraph.
 */
export function loadSubgraphsFrom(dir: string): SubgraphSchema[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const known = REPO_SUBGRAPHS.filter(({ name }) => names.includes(name));
  const others = names.filter((name) => !known.some((subgraph) => subgraph.name === name)).sort();
  return [
    ...known.map(({ name, url }) => readSubgraphSchema(name, url, join(dir, name))),
    ...others.map((name) => readSubgraphSchema(name, `http://127.0.0.1/${name}/graphql`, join(dir, name))),
  ];
}

/**
 * The SDL as the subgraph's own server reads it (service-kit's readSchemaSdl: the kit's base, then the
 * subgraph's files), so both see one SDL; `files` are the subgraph's own, for lint.
 */
function readSubgraphSchema(name: string, url: string, schemaDir: string): SubgraphSchema {
  const files = listSchemaFiles(schemaDir).map((path) => ({ path, sdl: readFileSync(path, 'utf8') }));
  return { name, url, sdl: readSchemaSdl(schemaDir), schemaDir, files };
}
