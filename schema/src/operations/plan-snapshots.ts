import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanSummary } from './query-plan.ts';

/** A committed query plan: the fetch budget an operation is held to (schema/query-plans/<Operation>.json). */
export type PlanSnapshot = PlanSummary;

/** Every snapshot in `dir` by operation name; an absent folder holds none. */
export function readPlanSnapshots(dir: string): Map<string, PlanSnapshot> {
  const snapshots = new Map<string, PlanSnapshot>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return snapshots;
  }
  for (const file of files) {
    const snapshot = parseSnapshot(readFileSync(join(dir, file), 'utf8'), join(dir, file));
    snapshots.set(snapshot.operation, snapshot);
  }
  return snapshots;
}

/** Replaces every snapshot in `dir` with `plans`, removing those of operations that no longer exist. */
export function writePlanSnapshots(dir: string, plans: readonly PlanSnapshot[]): void {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(join(dir, file));
  for (const plan of plans) writeFileSync(join(dir, `${plan.operation}.json`), renderSnapshot(plan));
}

/** Laid out as Prettier would (the subgraphs on one line), so `npm run format:check` accepts the files. */
export function renderSnapshot({ operation, fetches, subgraphs, plan }: PlanSnapshot): string {
  return [
    '{',
    `  "operation": ${JSON.stringify(operation)},`,
    `  "fetches": ${fetches},`,
    `  "subgraphs": [${subgraphs.map((name) => JSON.stringify(name)).join(', ')}],`,
    `  "plan": ${JSON.stringify(plan)}`,
    '}',
    '',
  ].join('\n');
}

function parseSnapshot(text: string, path: string): PlanSnapshot {
  const data: unknown = JSON.parse(text);
  if (
    typeof data === 'object' &&
    data !== null &&
    'operation' in data &&
    typeof data.operation === 'string' &&
    'fetches' in data &&
    typeof data.fetches === 'number' &&
    'subgraphs' in data &&
    Array.isArray(data.subgraphs) &&
    data.subgraphs.every((name) => typeof name === 'string') &&
    'plan' in data &&
    typeof data.plan === 'string'
  ) {
    return {
      operation: data.operation,
      fetches: data.fetches,
      subgraphs: data.subgraphs as string[],
      plan: data.plan,
    };
  }
  throw new Error(
    `${path} is not a query-plan snapshot: rewrite it with \`npm run schema:check -- --update-plans\``,
  );
}
