import { displayPath } from '../display-path.ts';
import { lintSdlFiles } from '../lint/graphql-eslint.ts';
import { findMissingKeyFields } from '../lint/key-fields.ts';
import { findMissingReferenceResolvers, type ResolverMap } from '../lint/reference-resolvers.ts';
import { parseSubgraphFiles, type LintFile } from '../lint/subgraph-document.ts';
import type { SubgraphSchema } from '../subgraphs.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'subgraph-lint';

export interface LintSubgraph {
  readonly name: string;
  /** The folder the files are in; graphql-eslint lints files under it. */
  readonly schemaDir: string;
  readonly files: readonly LintFile[];
  /** The subgraph's merged resolver map; without it __resolveReference is not checked (a warning says so). */
  readonly resolvers?: ResolverMap | undefined;
}

/** The lint input for loaded subgraphs: their files named relative to the repository, their resolver maps. */
export function lintSubgraphsOf(
  subgraphs: readonly SubgraphSchema[],
  resolvers: ReadonlyMap<string, ResolverMap>,
  repoRoot: string,
): LintSubgraph[] {
  return subgraphs.map((subgraph) => ({
    name: subgraph.name,
    schemaDir: subgraph.schemaDir,
    files: subgraph.files.map((file) => ({ ...file, display: displayPath(file.path, repoRoot) })),
    resolvers: resolvers.get(subgraph.name),
  }));
}

/**
 * Each subgraph's SDL on its own: naming and descriptions (graphql-eslint), `@key` fields that exist, and a
 * `__resolveReference` for every entity the subgraph resolves. Every finding starts with the subgraph's name.
 */
export async function checkSubgraphLint(subgraphs: readonly LintSubgraph[]): Promise<CheckResult> {
  const details: string[] = [];
  const warnings: string[] = [];
  for (const subgraph of subgraphs) {
    const tag = (finding: string) => `${subgraph.name}: ${finding}`;
    details.push(...(await lintSdlFiles(subgraph.schemaDir, subgraph.files)).map(tag));
    const { definitions, errors } = parseSubgraphFiles(subgraph.files);
    details.push(...errors.map(tag), ...findMissingKeyFields(definitions).map(tag));
    if (subgraph.resolvers) {
      details.push(...findMissingReferenceResolvers(definitions, subgraph.resolvers).map(tag));
    } else {
      warnings.push(tag('no resolver map known for this subgraph, so __resolveReference was not checked'));
    }
  }
  const names = subgraphs.map((subgraph) => subgraph.name).join(', ');
  if (details.length > 0)
    return fail(NAME, `${details.length} finding(s) in ${names}`, { details, warnings });
  const files = subgraphs.reduce((sum, subgraph) => sum + subgraph.files.length, 0);
  return pass(NAME, `${files} SDL file(s) of ${names} clean`, { warnings });
}
