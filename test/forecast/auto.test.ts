import { describe, expect, it } from 'vitest';
import { loadCounts } from '../../src/cli/series.js';
import { backtest, backtestOrigins } from '../../src/forecast/backtest.js';
import { forecast, makeModel } from '../../src/forecast/forecast.js';
import { tiledCounts } from '../../src/forecast/sparse.js';

const HOUR = 3600;

describe('auto: members refitted on the whole history', () => {
  const bursts = loadCounts('traces/azure-llm-2023-conv.csv', 10).counts;
  // a sparse hourly tide (2–30 an hour, 6-hour burst blocks): at origin 336 multiplicative
  // Holt–Winters and double-seasonal validated on the shorter history, then, refitted on all of
  // it, ran to the envelope (3.4× the history's high) at 22 of 24 steps: MASE 16.9 there
  it.each([34, 35, 36, 37])('never averages in a refit that leaves the envelope (seed %i)', (seed) => {
    const y = tiledCounts(bursts, { days: 21, stepS: HOUR, peak: 30, trough: 2, weekend: 0.5, block: 6, seed });
    for (const o of backtestOrigins(y.length, 24, 7)) {
      const f = forecast(y.subarray(0, o), { stepS: HOUR, horizon: 24, model: makeModel('auto', 24) });
      expect(f.notes.filter((n) => n.includes('were cut to it')), `origin ${o}`).toEqual([]);
    }
    const [sn, auto] = backtest(y, { stepS: HOUR, horizon: 24, origins: 7, models: ['seasonal-naive-weekly', 'auto'] });
    expect(auto.mase).toBeLessThan(sn.mase);
  });
});

describe('auto on fresh sparse, bursty hourly series', () => {
  // The robust profile's most pooled reading (14 weekday-levelled days ± one hour) is its default,
  // replaced only by a shape that validates clearly better (robustProfile.ts, pickShape), and a
  // mean replaces the profile only when better by √2 standard errors (overlapping origins). Fresh
  // tiled hourly series, seeds 500–511 (no table uses them), mean auto / weekly seasonal naive:
  // code 0.743 → 0.702, conversation 0.865 → 0.833; 90% covered 90.0 → 90.0%, 91.2 → 89.9%.
  it.each([
    ['code', 0.72],
    ['conv', 0.85],
  ] as const)('%s-tiled: auto / seasonal naive below %f on average; 90%% within 3 points', (name, bound) => {
    const bursts = loadCounts(`traces/azure-llm-2023-${name}.csv`, 10).counts;
    let ratio = 0;
    let c90 = 0;
    const seeds = [500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511];
    for (const seed of seeds) {
      const y = tiledCounts(bursts, { days: 21, stepS: HOUR, peak: 80, trough: 8, weekend: 0.5, block: 12, seed });
      const [sn, auto] = backtest(y, { stepS: HOUR, horizon: 24, origins: 7, models: ['seasonal-naive-weekly', 'auto'] });
      ratio += auto.mase / sn.mase / seeds.length;
      c90 += auto.coverage90 / seeds.length;
    }
    expect(ratio).toBeLessThan(bound);
    expect(Math.abs(c90 - 0.9)).toBeLessThan(0.03);
  }, 60_000);
});
