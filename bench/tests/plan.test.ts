import { describe, expect, it } from 'vitest';
import { cellsOf, roundSchedule, warmupCells } from '../src/plan.ts';

describe('the measurement plan', () => {
  const cells = cellsOf(['O1', 'O2'], [1, 10, 100], ['A', 'A+cache', 'B', 'C', 'D', "D'", 'E']);

  it('measures B on the single-subgraph operation only and A+cache at N=10 only', () => {
    expect(cells.filter((cell) => cell.config === 'B').map((cell) => cell.op)).toEqual(['O1', 'O1', 'O1']);
    expect(cells.filter((cell) => cell.config === 'A+cache').map((cell) => cell.n)).toEqual([10, 10]);
    expect(cells).toHaveLength(3 * 6 + 3 * 5 + 2);
  });

  it('keeps the configurations of an (operation, N) together and rotates their order from round to round', () => {
    const first = roundSchedule(cells, 0)
      .slice(0, 6)
      .map((cell) => cell.config);
    const second = roundSchedule(cells, 1)
      .slice(0, 6)
      .map((cell) => cell.config);
    expect(new Set(first)).toEqual(new Set(['A', 'B', 'C', 'D', "D'", 'E']));
    expect(second).toEqual([...first.slice(1), first[0]]);
    expect(roundSchedule(cells, 2)).toHaveLength(cells.length);
  });

  it('warms each configuration up once per operation, at N=10', () => {
    const warmups = warmupCells(cells);
    expect(warmups).toHaveLength(13);
    expect(new Set(warmups.map((cell) => cell.n))).toEqual(new Set([10]));
  });
});
