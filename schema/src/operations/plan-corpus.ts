import type { OperationFile } from './corpus.ts';
import { describeOperation, parseOperationFile } from './parse.ts';
import { createPlanner, type PlanSummary } from './query-plan.ts';

export interface CorpusPlans {
  readonly plans: PlanSummary[];
  /** Operations that could not be planned (invalid, unparsable), naming the file and operation. */
  readonly problems: string[];
}

/**
 * The plan of every named operation in the corpus. Anonymous operations are left out: they have no name to
 * key a snapshot by, and the operations check already fails on them.
 */
export function planCorpus(supergraphSdl: string, corpus: readonly OperationFile[]): CorpusPlans {
  const plan = createPlanner(supergraphSdl);
  const plans: PlanSummary[] = [];
  const problems: string[] = [];
  for (const file of corpus) {
    const parsed = parseOperationFile(file);
    if ('error' in parsed) {
      problems.push(parsed.error);
      continue;
    }
    for (const operation of parsed.operations) {
      if (!operation.name) continue;
      try {
        plans.push(plan(parsed.document, operation.name.value));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        problems.push(`${file.file} (${describeOperation(operation)}): cannot be planned: ${message}`);
      }
    }
  }
  return { plans, problems };
}
