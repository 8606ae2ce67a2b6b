import { CONFIGURATIONS, type ConfigId } from './configurations.ts';
import { operation, type OperationId } from './operations.ts';

/** One thing measured: an operation at a size, on a configuration. */
export interface Cell {
  op: OperationId;
  n: number;
  config: ConfigId;
}

/** Every cell to measure, grouped by operation and size, configurations in catalogue order. */
export function cellsOf(
  ops: readonly OperationId[],
  sizes: readonly number[],
  configs: readonly ConfigId[],
): Cell[] {
  const cells: Cell[] = [];
  for (const op of ops) {
    for (const n of sizes) {
      for (const config of CONFIGURATIONS) {
        if (!configs.includes(config.id) || !config.serves(operation(op))) continue;
        if (config.sizes && !config.sizes.includes(n)) continue;
        cells.push({ op, n, config: config.id });
      }
    }
  }
  return cells;
}

/**
 * The order of one round: the configurations of each (operation, N) measured back to back, so drift of the
 * machine hits them alike, and their order rotated from group to group and round to round, so none is always
 * first (cold) or last.
 */
export function roundSchedule(cells: readonly Cell[], round: number): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    const key = `${cell.op}|${cell.n}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].flatMap((group, index) => {
    const shift = (round + index) % group.length;
    return [...group.slice(shift), ...group.slice(0, shift)];
  });
}

/**
 * What to warm up: each configuration on each operation once, at N=10 when measured (else the largest N). The
 * code paths do not depend on N — N is a variable, so every plan and parse cache is shared across sizes.
 */
export function warmupCells(cells: readonly Cell[]): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    const key = `${cell.config}|${cell.op}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].map(
    (group) => group.find((cell) => cell.n === 10) ?? group.reduce((a, b) => (b.n > a.n ? b : a)),
  );
}
