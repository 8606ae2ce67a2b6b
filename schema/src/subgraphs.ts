import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listSchemaFiles } from '@supergraph/service-kit/graphql';
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

/**
 * The repository's subgraphs, by path: composition reads each one's `.graphql` files (`schemaDir`) and the
 * lint loads its resolver map (`resolversModule`) only when it runs; no subgraph package is a dependency.
 */
export const REPO_SUBGRAPHS = [
  {
    name: 'users',
    url: 'http://127.0.0.1:4001/graphql',
    schemaDir: join(REPO_ROOT, 'subgraphs/users/src/graphql'),
    resolversModule: join(REPO_ROOT, 'subgraphs/users/src/graphql/resolvers.ts'),
  },
  {
    name: 'orders',
    url: 'http://127.0.0.1:4002/graphql',
    schemaDir: join(REPO_ROOT, 'subgraphs/orders/src/graphql'),
    resolversModule: join(REPO_ROOT, 'subgraphs/orders/src/graphql/resolvers.ts'),
  },
] as const;

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

/** Joined the way the subgraph's own server reads them (service-kit's readSchemaSdl), so both see one SDL. */
function readSubgraphSchema(name: string, url: string, schemaDir: string): SubgraphSchema {
  const files = listSchemaFiles(schemaDir).map((path) => ({ path, sdl: readFileSync(path, 'utf8') }));
  return { name, url, sdl: files.map((file) => file.sdl).join('\n'), schemaDir, files };
}
