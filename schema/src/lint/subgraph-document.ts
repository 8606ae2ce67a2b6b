import { GraphQLError, Source, parse, type DefinitionNode } from 'graphql';

export interface LintFile {
  readonly path: string;
  /** How messages name the file. */
  readonly display: string;
  readonly sdl: string;
}

/**
 * All definitions of a subgraph, parsed file by file with each Source named after its file, so a finding's
 * location names the file and line. Types may be extended across files, which is why rules look at them all.
 */
export function parseSubgraphFiles(files: readonly LintFile[]): {
  definitions: DefinitionNode[];
  errors: string[];
} {
  const definitions: DefinitionNode[] = [];
  const errors: string[] = [];
  for (const file of files) {
    try {
      definitions.push(...parse(new Source(file.sdl, file.display)).definitions);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const at = error.locations?.[0];
      errors.push(`${file.display}${at ? `:${at.line}:${at.column}` : ''} ${error.message}`);
    }
  }
  return { definitions, errors };
}

/** `subgraphs/users/src/graphql/user/schema.graphql:10:6` for a node parsed by parseSubgraphFiles. */
export function locationOf(node: {
  readonly loc?: { readonly start: number; readonly source: Source } | undefined;
}): string {
  if (!node.loc) return '<unknown location>';
  const before = node.loc.source.body.slice(0, node.loc.start);
  const line = before.split('\n').length;
  const column = node.loc.start - before.lastIndexOf('\n');
  return `${node.loc.source.name}:${line}:${column}`;
}
