import { fieldAccessOf, type PublicField } from '../authorization.ts';
import type { Approval } from '../breaking/approvals.ts';
import type { BaseSupergraph } from '../breaking/base-supergraph.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'authorization';

export interface AuthorizationCheckInputs {
  readonly supergraphSdl: string;
  readonly publicFields: readonly PublicField[];
  readonly publicFieldsPath: string;
  readonly base: BaseSupergraph;
  readonly approvals: readonly Approval[];
  readonly approvalsPath: string;
}

/**
 * Every root field and every entity field carries @authenticated, @requiresScopes or @policy (on itself or
 * its type), or is listed public with a reason; a listing must name a field that exists and is not guarded.
 * A guard present in the base and gone now is reported like a breaking change: it needs an approval
 * (`AUTHORIZATION_REMOVED:Type.field`).
 */
export function checkAuthorization(inputs: AuthorizationCheckInputs): CheckResult {
  const access = fieldAccessOf(inputs.supergraphSdl);
  const byCoordinate = new Map(access.map((field) => [field.coordinate, field]));
  const listed = new Map(inputs.publicFields.map((entry) => [entry.field, entry]));
  const details: string[] = [];
  for (const field of access) {
    if (field.requirements.length === 0 && !listed.has(field.coordinate)) {
      details.push(
        `${field.coordinate} (${field.kind} field) has no @authenticated, @requiresScopes or @policy: annotate it in its subgraph, or list it in ${inputs.publicFieldsPath} with the reason anyone may read it`,
      );
    }
  }
  for (const entry of inputs.publicFields) {
    const field = byCoordinate.get(entry.field);
    if (!field)
      details.push(
        `${inputs.publicFieldsPath} lists ${entry.field}, which is not a root or entity field of the supergraph: remove the entry`,
      );
    else if (field.requirements.length > 0)
      details.push(
        `${inputs.publicFieldsPath} lists ${entry.field} as public, but it is guarded by ${field.requirements.join(' ')}: remove the entry`,
      );
  }
  const approved = new Set(inputs.approvals.map((approval) => approval.change));
  if (inputs.base.found) {
    for (const before of fieldAccessOf(inputs.base.sdl)) {
      const now = byCoordinate.get(before.coordinate);
      // A removed field is the breaking-changes check's concern.
      if (!now) continue;
      const gone = before.requirements.filter((requirement) => !now.requirements.includes(requirement));
      const id = `AUTHORIZATION_REMOVED:${before.coordinate}`;
      if (gone.length > 0 && !approved.has(id)) {
        details.push(
          `${id}: ${gone.join(' ')} was removed from ${before.coordinate} since ${inputs.base.label}; if anyone may now read it on purpose, add { "change": "${id}", "reason", "approvedBy" } to ${inputs.approvalsPath}`,
        );
      }
    }
  }
  if (details.length > 0) return fail(NAME, `${details.length} finding(s)`, { details });
  const guarded = access.filter((field) => field.requirements.length > 0).length;
  return pass(NAME, `${guarded} field(s) guarded, ${inputs.publicFields.length} public with a reason`);
}
