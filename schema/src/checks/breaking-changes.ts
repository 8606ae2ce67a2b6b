import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { apiSchemaOf } from '../api-schema.ts';
import type { Approval } from '../breaking/approvals.ts';
import type { BaseSupergraph } from '../breaking/base-supergraph.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'breaking-changes';

export interface BreakingChangesInput {
  readonly base: BaseSupergraph;
  /** The supergraph the current subgraphs compose to. */
  readonly supergraphSdl: string;
  readonly approvals: readonly Approval[];
  /** How to name the approvals file in messages. */
  readonly approvalsPath: string;
}

/**
 * A stable name for a change, the same from run to run and independent of the wording of the message:
 * what a reviewer copies into the approvals file.
 */
export function changeId(change: Pick<Change, 'type' | 'path'>): string {
  return `${change.type}:${change.path ?? ''}`;
}

/**
 * Compares the client-facing API schemas of the base and the current supergraph with graphql-inspector.
 * Unapproved BREAKING changes fail; DANGEROUS ones are warnings; NON_BREAKING ones are listed.
 */
export async function checkBreakingChanges(input: BreakingChangesInput): Promise<CheckResult> {
  const { base, supergraphSdl, approvals, approvalsPath } = input;
  if (!base.found) return pass(NAME, `no base: ${base.reason}`);

  const changes = await diff(apiSchemaOf(base.sdl), apiSchemaOf(supergraphSdl));
  const approvalOf = (change: Change) =>
    approvals.find((approval) => approval.change === changeId(change) || approval.change === change.message);

  const details: string[] = [];
  const warnings: string[] = [];
  const unapproved: Change[] = [];
  const used = new Set<Approval>();
  for (const change of changes) {
    const line = `${change.message} (id: ${changeId(change)})`;
    const level = change.criticality.level;
    if (level === CriticalityLevel.Breaking) {
      const approval = approvalOf(change);
      if (approval) {
        used.add(approval);
        details.push(`[BREAKING, approved by ${approval.approvedBy}: ${approval.reason}] ${line}`);
      } else {
        unapproved.push(change);
        const why = change.criticality.reason ? `\n    ${change.criticality.reason}` : '';
        details.push(`[BREAKING] ${line}${why}`);
      }
    } else if (level === CriticalityLevel.Dangerous) {
      warnings.push(
        `[DANGEROUS] ${line}${change.criticality.reason ? ` - ${change.criticality.reason}` : ''}`,
      );
    } else {
      details.push(`[NON_BREAKING] ${line}`);
    }
  }
  for (const approval of approvals) {
    if (!used.has(approval)) {
      warnings.push(`${approvalsPath}: approval "${approval.change}" matches no breaking change; remove it`);
    }
  }

  const counts = countByLevel(changes);
  const tally = `${counts.breaking} breaking (${counts.breaking - unapproved.length} approved), ${counts.dangerous} dangerous, ${counts.safe} non-breaking vs ${base.label}`;
  if (unapproved.length === 0) return pass(NAME, tally, { details, warnings });
  details.push(
    `To accept a breaking change on purpose, add to ${approvalsPath}: ` +
      JSON.stringify({
        change: changeId(unapproved[0]!),
        reason: '<why clients are not affected>',
        approvedBy: '<you>',
      }),
  );
  return fail(NAME, `${unapproved.length} unapproved breaking change(s): ${tally}`, { details, warnings });
}

function countByLevel(changes: readonly Change[]) {
  const count = (level: CriticalityLevel) =>
    changes.filter((change) => change.criticality.level === level).length;
  return {
    breaking: count(CriticalityLevel.Breaking),
    dangerous: count(CriticalityLevel.Dangerous),
    safe: count(CriticalityLevel.NonBreaking),
  };
}
