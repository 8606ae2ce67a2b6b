import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckInputs } from '../src/cli/repo-inputs.ts';
import { updatePlanSnapshots } from '../src/cli/update-plans.ts';
import { renderSnapshot } from '../src/operations/plan-snapshots.ts';
import { QUERY_PLANS_DIR } from '../src/paths.ts';
import { tempDir } from './fixtures.ts';

describe('--update-plans', () => {
  it('writes byte for byte the committed snapshots, and removes snapshots of operations that are gone', async () => {
    const plans = tempDir('plans');
    try {
      plans.write(
        'Gone.json',
        renderSnapshot({ operation: 'Gone', fetches: 1, subgraphs: ['users'], plan: '' }),
      );
      const inputs = await loadCheckInputs({
        json: false,
        updatePlans: true,
        help: false,
        operationsDirs: [],
        plansDir: plans.dir,
      });

      const update = updatePlanSnapshots(inputs);

      expect(update).toMatchObject({ ok: true, problems: [] });
      const committed = readdirSync(QUERY_PLANS_DIR).sort();
      expect(readdirSync(plans.dir).sort()).toEqual(committed);
      for (const file of committed) {
        expect(readFileSync(plans.path(file), 'utf8'), file).toBe(
          readFileSync(join(QUERY_PLANS_DIR, file), 'utf8'),
        );
      }
    } finally {
      plans.remove();
    }
  });
});
