import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface CheckOptions {
  readonly json: boolean;
  readonly updatePlans: boolean;
  readonly help: boolean;
  /** A git ref whose committed supergraph is the base for breaking changes. */
  readonly base?: string | undefined;
  /** A supergraph file that is the base for breaking changes. */
  readonly baseFile?: string | undefined;
  /** Folders named after subgraphs, each with that subgraph's .graphql files, instead of the repository's. */
  readonly subgraphsDir?: string | undefined;
  /** The supergraph file to check for drift, instead of schema/supergraph.graphql. */
  readonly supergraphFile?: string | undefined;
  readonly approvals?: string | undefined;
  /** Folders of operations that replace the repository's corpus (every operations/ folder). */
  readonly operationsDirs: readonly string[];
  readonly plansDir?: string | undefined;
}

export const USAGE = `Usage: npm run schema:check -- [options]

Checks the subgraphs: composition, drift of schema/supergraph.graphql, breaking changes, the operations
corpus, subgraph lint and query-plan budgets. Exits 0 only when every check passes.

  --json                  print one JSON object { ok, checks } instead of the table
  --update-plans          rewrite schema/query-plans/*.json from the current plans, then check
  --base <git-ref>        compare with the supergraph committed at this ref
                          (default: merge base with origin/main, else HEAD~1)
  --base-file <path>      compare with this supergraph file instead
  --subgraphs-dir <dir>   read subgraph SDL from <dir>/<subgraph>/**/*.graphql
  --supergraph-file <p>   the committed supergraph to check for drift
  --approvals <path>      approved breaking changes (default: schema/approved-changes.json)
  --operations-dir <dir>  operations corpus folder (repeatable; default: every operations/ folder)
  --plans-dir <dir>       query-plan snapshots folder (default: schema/query-plans)
  --help                  show this help`;

export class UsageError extends Error {}

/** Parses the arguments; relative paths are resolved against `cwd`, where the user typed the command. */
export function parseCheckOptions(argv: readonly string[], cwd: string): CheckOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean', default: false },
        'update-plans': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        base: { type: 'string' },
        'base-file': { type: 'string' },
        'subgraphs-dir': { type: 'string' },
        'supergraph-file': { type: 'string' },
        approvals: { type: 'string' },
        'operations-dir': { type: 'string', multiple: true, default: [] },
        'plans-dir': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.base !== undefined && values['base-file'] !== undefined) {
    throw new UsageError('--base and --base-file are alternatives: give one');
  }
  const path = (value: string | undefined) => (value === undefined ? undefined : resolve(cwd, value));
  return {
    json: values.json,
    updatePlans: values['update-plans'],
    help: values.help,
    base: values.base,
    baseFile: path(values['base-file']),
    subgraphsDir: path(values['subgraphs-dir']),
    supergraphFile: path(values['supergraph-file']),
    approvals: path(values.approvals),
    operationsDirs: values['operations-dir'].map((dir) => resolve(cwd, dir)),
    plansDir: path(values['plans-dir']),
  };
}
