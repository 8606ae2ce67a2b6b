import type { CompositionOutcome } from '../compose.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'composition';

/** Fails when the subgraphs do not compose; each detail is composition's error with subgraph, line and field. */
export function checkComposition(outcome: CompositionOutcome, subgraphNames: readonly string[]): CheckResult {
  const which = subgraphNames.join(', ');
  if (!outcome.ok) {
    return fail(NAME, `${which} do not compose: ${outcome.errors.length} error(s)`, {
      details: outcome.errors,
      warnings: outcome.hints,
    });
  }
  return pass(NAME, `${which} compose (${outcome.hints.length} hint(s))`, { warnings: outcome.hints });
}
