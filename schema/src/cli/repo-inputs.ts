import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PUBLIC_FIELDS_PATH, readPublicFields } from '../authorization.ts';
import { readApprovals } from '../breaking/approvals.ts';
import { baseFromFile, baseFromGit } from '../breaking/base-supergraph.ts';
import type { CheckInputs } from '../checks/run-checks.ts';
import { displayPath } from '../display-path.ts';
import type { ResolverMap } from '../lint/reference-resolvers.ts';
import { findOperationFiles, findOperationFilesIn, readOperationFiles } from '../operations/corpus.ts';
import { readPlanSnapshots } from '../operations/plan-snapshots.ts';
import { APPROVALS_PATH, MANIFEST_PATH, QUERY_PLANS_DIR, REPO_ROOT } from '../paths.ts';
import { loadSubgraphs, loadSubgraphsFrom, REPO_SUBGRAPHS, resolversModuleOf } from '../subgraphs.ts';
import { SUPERGRAPH_PATH } from '../supergraph-file.ts';
import type { CheckOptions } from './options.ts';

/**
 * The checks' inputs: the repository's subgraphs, committed supergraph, base, approvals, operations and
 * plan snapshots, each replaced by the option that overrides it. Everything is read here, now.
 */
export async function loadCheckInputs(options: CheckOptions): Promise<CheckInputs> {
  const supergraphPath = options.supergraphFile ?? SUPERGRAPH_PATH;
  const approvalsPath = options.approvals ?? APPROVALS_PATH;
  const planSnapshotsDir = options.plansDir ?? QUERY_PLANS_DIR;
  const corpusFiles =
    options.operationsDirs.length > 0
      ? findOperationFilesIn(options.operationsDirs)
      : findOperationFiles(REPO_ROOT);
  return {
    repoRoot: REPO_ROOT,
    subgraphs: options.subgraphsDir ? loadSubgraphsFrom(options.subgraphsDir) : loadSubgraphs(),
    resolvers: await repoResolvers(),
    supergraphPath,
    committedSupergraph: readIfExists(supergraphPath),
    base: options.baseFile
      ? baseFromFile(options.baseFile, displayPath(options.baseFile, REPO_ROOT))
      : baseFromGit({ repoRoot: REPO_ROOT, supergraphPath: SUPERGRAPH_PATH, ref: options.base }),
    approvals: readApprovals(approvalsPath),
    approvalsPath,
    corpus: readOperationFiles(corpusFiles, REPO_ROOT),
    planSnapshots: readPlanSnapshots(planSnapshotsDir),
    planSnapshotsDir,
    committedManifest: readIfExists(MANIFEST_PATH),
    manifestPath: MANIFEST_PATH,
    publicFields: readPublicFields(PUBLIC_FIELDS_PATH),
    publicFieldsPath: PUBLIC_FIELDS_PATH,
  };
}

/** Each subgraph's merged resolver map by subgraph name, for the __resolveReference rule, loaded by path. */
export async function repoResolvers(): Promise<Map<string, ResolverMap>> {
  const loaded = await Promise.all(
    REPO_SUBGRAPHS.map(async ({ name, schemaDir }) => {
      const module = (await import(pathToFileURL(resolversModuleOf(schemaDir)).href)) as {
        resolvers: ResolverMap;
      };
      return [name, module.resolvers] as const;
    }),
  );
  return new Map(loaded);
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}
