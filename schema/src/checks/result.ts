/** What every schema check returns, so the CLI can tabulate them and `--json` can print them as they are. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail';
  /** One line for the summary table. */
  readonly summary: string;
  /** Human-readable findings, each naming the subgraph, file, type or field concerned. */
  readonly details: string[];
  /** Worth a look but not a failure (dangerous changes, deprecated usage, outdated snapshots). */
  readonly warnings: string[];
}

interface Findings {
  readonly details?: string[];
  readonly warnings?: string[];
}

export function pass(
  name: string,
  summary: string,
  { details = [], warnings = [] }: Findings = {},
): CheckResult {
  return { name, status: 'pass', summary, details, warnings };
}

export function fail(
  name: string,
  summary: string,
  { details = [], warnings = [] }: Findings = {},
): CheckResult {
  return { name, status: 'fail', summary, details, warnings };
}

/** A check that needs the composed supergraph cannot say anything when composition failed; it must not pass. */
export function notRun(name: string, reason: string): CheckResult {
  return fail(name, `not run: ${reason}`);
}
