import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../src/forecast/model.js';
import { MIXTURE_LEVELS, poolHitRate, poolSizeFor, poolTargets, reservedAdvice } from '../../src/forecast/targets.js';
import { erlangB } from '../../src/queueing/erlang.js';

function flatForecast(ratePerS: number, stepS: number, spread = 0): Forecast {
  const q = new Map(MIXTURE_LEVELS.map((l) => [l, Float64Array.from([ratePerS * stepS * (1 + spread * (l - 0.5))])]));
  return { model: 't', mean: Float64Array.from([ratePerS * stepS]), quantiles: q, valid: true, notes: [] };
}

describe('pool targets', () => {
  it('are the smallest size meeting the Erlang-loss hit rate 1 − B(S, λL) when the rate is certain', () => {
    for (const [rate, lead, goal] of [[4, 2, 0.9], [50, 20, 0.99], [500, 2, 0.995], [0.5, 30, 0.95]]) {
      const s = poolSizeFor([rate], lead, goal);
      expect(1 - erlangB(s, rate * lead)).toBeGreaterThanOrEqual(goal);
      expect(1 - erlangB(s - 1, rate * lead)).toBeLessThan(goal);
    }
    // the simulator's validated case: size 10 at λL = 8 gives 0.878
    expect(poolHitRate(10, [4], 2)).toBeCloseTo(1 - erlangB(10, 8), 12);
  });

  it('are the smallest size whose mixture hit rate meets the goal, for any rates (against a scan of poolHitRate)', () => {
    const scan = (rates: number[], lead: number, goal: number) => {
      let k = 0;
      while (poolHitRate(k, rates, lead) < goal) k++;
      return k;
    };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 40, noNaN: true })), { minLength: 1, maxLength: 9 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (rates, lead, goal) => {
          expect(poolSizeFor(rates, lead, goal)).toBe(scan(rates, lead, goal));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('size a pool for 100,000 claims/s with a 30 s lead time in one pass (the scaler refits at this scale)', () => {
    const c0 = process.cpuUsage();
    const s = poolSizeFor([0.8e5, 0.9e5, 1e5, 1.1e5, 1.2e5], 30, 0.99);
    const used = process.cpuUsage(c0);
    const cpuS = (used.user + used.system) / 1e6;
    expect(s).toBeGreaterThan(3e6); // above the mean load, 1e5 × 30
    expect(poolHitRate(s, [0.8e5, 0.9e5, 1e5, 1.1e5, 1.2e5], 30)).toBeGreaterThanOrEqual(0.99);
    expect(poolHitRate(s - 1, [0.8e5, 0.9e5, 1e5, 1.1e5, 1.2e5], 30)).toBeLessThan(0.99);
    expect(cpuS).toBeLessThan(2); // ~0.1 s in one pass; a binary search of recursions took ~25× that
  });

  it('include the forecast uncertainty: a wider forecast needs a larger pool', () => {
    const narrow = poolTargets(flatForecast(50, 60), 60, 20, 0.99);
    const wide = poolTargets(flatForecast(50, 60, 0.6), 60, 20, 0.99);
    expect(wide.size[0]).toBeGreaterThan(narrow.size[0]);
    expect(wide.hitRate[0]).toBeGreaterThanOrEqual(0.99);
  });
});

describe('reserved advice', () => {
  it('is the newsvendor quantile of concurrency at 1 − c_reserved / c_serverless', () => {
    // concurrency λ·E[D] = 10/s × 100 s = 1000 with no uncertainty: reserve it all when serverless costs more
    const a = reservedAdvice(flatForecast(10, 60), 60, 100, 0.02, 0.00001);
    expect(a.fractile).toBeCloseTo(1 - 0.02 / 0.036, 12);
    expect(a.slots).toBe(1000);
    expect(a.expectedOverflowSlots).toBe(0);
    // serverless cheaper than reserved: reserve nothing, all overflows
    const b = reservedAdvice(flatForecast(10, 60), 60, 100, 0.05, 0.00001);
    expect(b.slots).toBe(0);
    expect(b.expectedOverflowSlots).toBeCloseTo(1000, 6);
  });
});
