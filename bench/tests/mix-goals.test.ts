import { describe, expect, it } from 'vitest';
import { mixHeadline, withGoal } from '../src/mix/report.ts';
import type { MixRun } from '../src/mix/run.ts';

describe('the headline’s goals (issue 23)', () => {
  it('are judged on the median: at least for ratios where more is better, at most for tails and memory', () => {
    expect(withGoal({ value: 2 }, { atLeast: 2 }).goal).toEqual({ atLeast: 2, met: true });
    expect(withGoal({ value: 1.99 }, { atLeast: 2 }).goal).toEqual({ atLeast: 2, met: false });
    expect(withGoal({ value: 3.2 }, { atMost: 3 }).goal).toEqual({ atMost: 3, met: false });
    expect(withGoal({ value: null }, { atMost: 200 }).goal.met).toBeNull();
  });

  it('come with every mix key, unmet or unmeasured when a configuration is missing', () => {
    const headline = mixHeadline({ database: 'postgres', samples: [] } as unknown as MixRun);
    expect(headline.mixCpuVsHive.goal).toEqual({ atLeast: 2, met: null });
    expect(headline.mixCpuVsHiveRust.goal).toEqual({ atLeast: 1.3, met: null });
    expect(headline.mixCpuVsBareApollo.goal).toEqual({ atLeast: 1.5, met: null });
    expect(headline.mixThroughputVsHive.goal).toEqual({ atLeast: 1.3, met: null });
    expect(headline.mixGatewayTax.goal).toEqual({ atLeast: 0.6, met: null });
    expect(headline.mixP99OverP50.goal).toEqual({ atMost: 3, met: null });
  });
});
