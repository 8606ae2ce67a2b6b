import type { OperationFile } from '../operations/corpus.ts';
import { buildManifest, isClientCorpusFile, renderManifest } from '../operations/manifest.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'trusted-documents';

export interface ManifestInput {
  readonly corpus: readonly OperationFile[];
  /** The committed manifest's text, or undefined when it does not exist. */
  readonly committed: string | undefined;
  readonly committedPath: string;
}

/**
 * Production executes only what the committed manifest lists (TRUSTED_DOCUMENTS=enforce), so an operation
 * added to a client corpus but not to the manifest would be refused once deployed: fail until the file is
 * exactly what the client corpora render, and when two operations share a name (clients look ids up by name).
 */
export function checkManifest({ corpus, committed, committedPath }: ManifestInput): CheckResult {
  const { manifest, problems } = buildManifest(corpus.filter(isClientCorpusFile));
  if (problems.length > 0)
    return fail(NAME, `${problems.length} operation(s) cannot be trusted documents`, { details: problems });
  const fix = 'run `npm run codegen` (or `npm run schema:manifest`) and commit the result';
  if (committed === undefined) return fail(NAME, `${committedPath} is missing: ${fix}`);
  if (committed !== renderManifest(manifest)) {
    let listed: Set<string> = new Set();
    try {
      const parsed = JSON.parse(committed) as { operations?: { id?: string; name?: string }[] };
      listed = new Set((parsed.operations ?? []).map(({ id, name }) => `${name} ${id}`));
    } catch {
      // Not JSON at all: the summary says it differs.
    }
    const missing = manifest.operations.filter(({ id, name }) => !listed.has(`${name} ${id}`));
    return fail(NAME, `${committedPath} differs from the operations corpus: ${fix}`, {
      details: missing.map(
        ({ name, id }) => `${name} (${id.slice(0, 12)}…) is not in ${committedPath} as it is now`,
      ),
    });
  }
  return pass(NAME, `${committedPath} lists the ${manifest.operations.length} client operation(s)`);
}
