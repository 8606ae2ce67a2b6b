// `npm run schema:check`: every schema check, a summary table (or --json), exit 0 only when all pass.
import { relative } from 'node:path';
import { runChecks } from './checks/run-checks.ts';
import { UsageError, USAGE, parseCheckOptions } from './cli/options.ts';
import { renderDetails, renderJson, renderTable } from './cli/report.ts';
import { loadCheckInputs } from './cli/repo-inputs.ts';
import { updatePlanSnapshots } from './cli/update-plans.ts';
import { readPlanSnapshots } from './operations/plan-snapshots.ts';

async function main(argv: string[]): Promise<number> {
  // npm runs workspace scripts inside the workspace; INIT_CWD is where the user typed the command.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  let options;
  try {
    options = parseCheckOptions(argv, cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  let inputs;
  try {
    inputs = await loadCheckInputs(options);
  } catch (error) {
    // A malformed approvals file, an unknown --base ref, an unreadable --base-file: fix the input, not the schema.
    console.error(
      `schema:check could not read its inputs: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }

  if (options.updatePlans) {
    const update = updatePlanSnapshots(inputs);
    // On stderr, so that --json still prints nothing but the JSON object.
    if (update.ok) {
      console.error(
        `Wrote ${update.written} query-plan snapshot(s) to ${relative(cwd, inputs.planSnapshotsDir) || '.'}.`,
      );
      for (const problem of update.problems) console.error(`not planned: ${problem}`);
      inputs = { ...inputs, planSnapshots: readPlanSnapshots(inputs.planSnapshotsDir) };
    } else {
      console.error(`--update-plans: ${update.reason}`);
    }
  }

  const results = await runChecks(inputs);
  const ok = results.every((result) => result.status === 'pass');
  if (options.json) {
    console.log(renderJson(results));
  } else {
    console.log(renderTable(results));
    const details = renderDetails(results);
    if (details) console.log(`\n${details}`);
    console.log(ok ? '\nAll schema checks passed.' : '\nSchema checks failed: see the details above.');
  }
  return ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
