import { renderSupergraphFile } from '../supergraph-file.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'drift';

export interface DriftInput {
  /** What the current subgraphs compose to. */
  readonly supergraphSdl: string;
  /** The committed file's text, or undefined when it does not exist. */
  readonly committed: string | undefined;
  /** How to name the committed file in messages. */
  readonly committedPath: string;
}

/**
 * The gateway serves the committed file, not the subgraphs, so a subgraph change that was not re-composed and
 * committed would silently not be served: fail until the file is exactly what composition renders.
 */
export function checkDrift({ supergraphSdl, committed, committedPath }: DriftInput): CheckResult {
  const fix = 'run `npm run schema:compose` and commit the result';
  if (committed === undefined) {
    return fail(NAME, `${committedPath} is missing: ${fix}`);
  }
  const expected = renderSupergraphFile(supergraphSdl);
  if (committed === expected) return pass(NAME, `${committedPath} matches the composed subgraphs`);
  return fail(NAME, `${committedPath} differs from the composed subgraphs: ${fix}`, {
    details: firstDifference(committedPath, committed, expected),
  });
}

/** Where the two texts first part, so the reader sees what changed without diffing by hand. */
function firstDifference(path: string, committed: string, expected: string): string[] {
  const have = committed.split('\n');
  const want = expected.split('\n');
  const index = have.findIndex((line, i) => line !== want[i]);
  const at = index === -1 ? have.length : index;
  return [
    `${path}:${at + 1} is the first line that differs (committed ${have.length} lines, composed ${want.length})`,
    `  committed: ${have[at] ?? '<end of file>'}`,
    `  composed:  ${want[at] ?? '<end of file>'}`,
  ];
}
