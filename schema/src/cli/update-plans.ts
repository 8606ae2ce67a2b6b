import { composeSupergraph } from '../compose.ts';
import type { CheckInputs } from '../checks/run-checks.ts';
import { planCorpus } from '../operations/plan-corpus.ts';
import { writePlanSnapshots } from '../operations/plan-snapshots.ts';

export type PlanUpdate = { ok: true; written: number; problems: string[] } | { ok: false; reason: string };

/**
 * `--update-plans`: records the current plan of every named operation as its snapshot, the deliberate way to
 * raise (or lower) a fetch budget. Needs a composing supergraph; otherwise nothing is written.
 */
export function updatePlanSnapshots(inputs: CheckInputs): PlanUpdate {
  const outcome = composeSupergraph(inputs.subgraphs);
  if (!outcome.ok) return { ok: false, reason: 'the subgraphs do not compose; no snapshot was written' };
  const { plans, problems } = planCorpus(outcome.supergraphSdl, inputs.corpus);
  writePlanSnapshots(inputs.planSnapshotsDir, plans);
  return { ok: true, written: plans.length, problems };
}
