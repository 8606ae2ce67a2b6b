import type { OperationFile } from '../operations/corpus.ts';
import { planCorpus } from '../operations/plan-corpus.ts';
import type { PlanSnapshot } from '../operations/plan-snapshots.ts';
import type { PlanSummary } from '../operations/query-plan.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'query-plans';
const UPDATE_PLANS_COMMAND = 'npm run schema:check -- --update-plans';

export interface QueryPlansInput {
  readonly supergraphSdl: string;
  readonly corpus: readonly OperationFile[];
  /** The committed snapshots by operation name. */
  readonly snapshots: ReadonlyMap<string, PlanSnapshot>;
  /** How to name the snapshot folder in messages. */
  readonly snapshotsDir: string;
}

/**
 * Holds every operation to the fetch budget of its committed plan: a schema change that makes the gateway
 * fetch from subgraphs more often (a lost batch, an extra entity hop) fails here before it is felt as
 * latency. Cheaper or merely different plans pass with a warning to refresh the snapshot.
 */
export function checkQueryPlans({
  supergraphSdl,
  corpus,
  snapshots,
  snapshotsDir,
}: QueryPlansInput): CheckResult {
  const { plans, problems } = planCorpus(supergraphSdl, corpus);
  const details = [...problems];
  const warnings: string[] = [];

  for (const current of plans) {
    const snapshot = snapshots.get(current.operation);
    if (!snapshot) {
      details.push(
        `${current.operation}: no snapshot ${snapshotsDir}/${current.operation}.json (plan: ${describe(current)}); ` +
          `run \`${UPDATE_PLANS_COMMAND}\` and commit it`,
      );
    } else if (current.fetches > snapshot.fetches) {
      details.push(
        `${current.operation}: ${describe(current)} exceeds its budget of ${describe(snapshot)}; ` +
          `avoid the extra fetch, or if it is intended run \`${UPDATE_PLANS_COMMAND}\` and commit the snapshot`,
      );
    } else if (current.fetches < snapshot.fetches) {
      warnings.push(
        `${current.operation}: snapshot outdated: now ${describe(current)}, snapshot ${describe(snapshot)}; run \`${UPDATE_PLANS_COMMAND}\``,
      );
    } else if (current.subgraphs.join() !== snapshot.subgraphs.join() || current.plan !== snapshot.plan) {
      warnings.push(
        `${current.operation}: snapshot outdated: the plan changed (${describe(current)}); run \`${UPDATE_PLANS_COMMAND}\``,
      );
    }
  }
  const planned = new Set(plans.map((plan) => plan.operation));
  for (const name of snapshots.keys()) {
    if (!planned.has(name))
      warnings.push(
        `${snapshotsDir}/${name}.json: no operation ${name} in the corpus; run \`${UPDATE_PLANS_COMMAND}\``,
      );
  }

  const total = plans.reduce((sum, plan) => sum + plan.fetches, 0);
  const counted = `${plans.length} plan(s), ${total} fetch(es) in all`;
  if (details.length > 0)
    return fail(NAME, `${details.length} operation(s) over budget or unplanned: ${counted}`, {
      details,
      warnings,
    });
  return pass(NAME, `${counted}, within their snapshots`, { warnings });
}

/** `3 fetches (users, orders, users)`: the subgraphs in plan order, parallel fetches included. */
function describe({ fetches, subgraphs }: Pick<PlanSummary, 'fetches' | 'subgraphs'>): string {
  return `${fetches} fetch${fetches === 1 ? '' : 'es'} (${subgraphs.join(', ')})`;
}
