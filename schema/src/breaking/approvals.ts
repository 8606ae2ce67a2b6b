import { readFileSync } from 'node:fs';

/** A breaking change that a reviewer accepted on purpose (committed in schema/approved-changes.json). */
export interface Approval {
  /** The change's id as the report prints it (`FIELD_REMOVED:User.email`), or its exact message. */
  readonly change: string;
  readonly reason: string;
  readonly approvedBy: string;
}

/**
 * Reads the approvals file; a missing file means no approvals. A malformed one throws with what to fix,
 * because silently ignoring it would fail (or pass) the check for the wrong reason.
 */
export function readApprovals(path: string): Approval[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  return parseApprovals(text, path);
}

export function parseApprovals(text: string, source: string): Approval[] {
  const problem = (what: string) =>
    new Error(`${source}: ${what}. Expected { "approved": [{ "change", "reason", "approvedBy" }] }.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw problem(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const approved = isRecord(data) ? data['approved'] : undefined;
  if (!Array.isArray(approved)) throw problem('"approved" must be an array');
  return approved.map((entry: unknown, index) => {
    const fields = isRecord(entry) ? entry : {};
    const [change, reason, approvedBy] = [fields['change'], fields['reason'], fields['approvedBy']];
    if (typeof change !== 'string' || typeof reason !== 'string' || typeof approvedBy !== 'string') {
      throw problem(`approved[${index}] needs string "change", "reason" and "approvedBy"`);
    }
    return { change, reason, approvedBy };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
