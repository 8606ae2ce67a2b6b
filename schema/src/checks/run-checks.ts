import { composeSupergraph } from '../compose.ts';
import type { Approval } from '../breaking/approvals.ts';
import type { BaseSupergraph } from '../breaking/base-supergraph.ts';
import { displayPath } from '../display-path.ts';
import type { ResolverMap } from '../lint/reference-resolvers.ts';
import type { OperationFile } from '../operations/corpus.ts';
import type { PlanSnapshot } from '../operations/plan-snapshots.ts';
import type { SubgraphSchema } from '../subgraphs.ts';
import type { PublicField } from '../authorization.ts';
import { checkAuthorization } from './authorization.ts';
import { checkBreakingChanges } from './breaking-changes.ts';
import { checkComposition } from './composition.ts';
import { checkDrift } from './drift.ts';
import { checkManifest } from './manifest.ts';
import { checkOperations } from './operations.ts';
import { checkQueryPlans } from './query-plans.ts';
import { notRun, type CheckResult } from './result.ts';
import { checkSubgraphLint, lintSubgraphsOf } from './subgraph-lint.ts';

/** Everything the checks read, gathered up front so tests can hand in copies instead of the repository's. */
export interface CheckInputs {
  /** Paths inside it are shown relative to it. */
  readonly repoRoot: string;
  readonly subgraphs: readonly SubgraphSchema[];
  readonly resolvers: ReadonlyMap<string, ResolverMap>;
  readonly supergraphPath: string;
  /** The committed supergraph's text; undefined when the file is missing. */
  readonly committedSupergraph: string | undefined;
  readonly base: BaseSupergraph;
  readonly approvals: readonly Approval[];
  readonly approvalsPath: string;
  readonly corpus: readonly OperationFile[];
  readonly planSnapshots: ReadonlyMap<string, PlanSnapshot>;
  readonly planSnapshotsDir: string;
  /** The committed trusted-documents manifest's text (undefined when missing) and its path. */
  readonly committedManifest: string | undefined;
  readonly manifestPath: string;
  /** Root and entity fields public on purpose (schema/public-fields.json) and that file's path. */
  readonly publicFields: readonly PublicField[];
  readonly publicFieldsPath: string;
}

/** Composes once, then runs every check; those that need the composed supergraph report "not run" without it. */
export async function runChecks(inputs: CheckInputs): Promise<CheckResult[]> {
  const shown = (path: string) => displayPath(path, inputs.repoRoot);
  const outcome = composeSupergraph(inputs.subgraphs);
  const composition = checkComposition(
    outcome,
    inputs.subgraphs.map((subgraph) => subgraph.name),
  );
  // Needs no supergraph: it is checked against the corpus alone (the gateway validates it against what it serves).
  const manifest = checkManifest({
    corpus: inputs.corpus,
    committed: inputs.committedManifest,
    committedPath: shown(inputs.manifestPath),
  });
  const lint = await checkSubgraphLint(lintSubgraphsOf(inputs.subgraphs, inputs.resolvers, inputs.repoRoot));
  if (!outcome.ok) {
    const reason = 'the subgraphs do not compose';
    return [
      composition,
      notRun('drift', reason),
      notRun('breaking-changes', reason),
      notRun('authorization', reason),
      notRun('operations', reason),
      lint,
      notRun('query-plans', reason),
      manifest,
    ];
  }

  const { supergraphSdl } = outcome;
  return [
    composition,
    checkDrift({
      supergraphSdl,
      committed: inputs.committedSupergraph,
      committedPath: shown(inputs.supergraphPath),
    }),
    await checkBreakingChanges({
      base: inputs.base,
      supergraphSdl,
      approvals: inputs.approvals,
      approvalsPath: shown(inputs.approvalsPath),
    }),
    checkAuthorization({
      supergraphSdl,
      publicFields: inputs.publicFields,
      publicFieldsPath: shown(inputs.publicFieldsPath),
      base: inputs.base,
      approvals: inputs.approvals,
      approvalsPath: shown(inputs.approvalsPath),
    }),
    checkOperations({ supergraphSdl, corpus: inputs.corpus }),
    lint,
    checkQueryPlans({
      supergraphSdl,
      corpus: inputs.corpus,
      snapshots: inputs.planSnapshots,
      snapshotsDir: shown(inputs.planSnapshotsDir),
    }),
    manifest,
  ];
}
