import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/forecast/backtest.js';
import { errorQuantiles, recentWidening, tailQuantile } from '../../src/forecast/errors.js';
import { forecast, MODEL_NAMES, type ModelName } from '../../src/forecast/forecast.js';
import { loadCounts } from '../../src/cli/series.js';
import { poisson } from '../../src/random/poisson.js';
import { Rng } from '../../src/random/rng.js';
import { cpuBound, wallGuardMs } from '../cpuBudget.js';

const HOUR = 3600;

describe('known answers', () => {
  it('seasonal naive repeats the last season (the week when a week is in hand)', () => {
    const y = Float64Array.from({ length: 24 * 9 }, (_, i) => (i * 7919) % 101);
    const f = forecast(y, { stepS: HOUR, horizon: 48, model: 'seasonal-naive-weekly' });
    for (let k = 0; k < 48; k++) expect(f.mean[k]).toBe(y[y.length - 168 + k]);
    const d = forecast(y, { stepS: HOUR, horizon: 30, model: 'seasonal-naive-daily' });
    for (let k = 0; k < 30; k++) expect(d.mean[k]).toBe(y[y.length - 24 + (k % 24)]);
  });

  it.each(['holt-winters-add', 'auto'] as ModelName[])('%s forecasts a pure daily sinusoid plus trend almost exactly', (model) => {
    const f = (t: number) => 200 + 0.2 * t + 50 * Math.sin((2 * Math.PI * t) / 24);
    const y = Float64Array.from({ length: 24 * 21 }, (_, t) => f(t));
    const out = forecast(y, { stepS: HOUR, horizon: 24, model });
    for (let k = 0; k < 24; k++) {
      const truth = f(y.length + k);
      expect(Math.abs(out.mean[k] - truth) / truth, `${model} step ${k}`).toBeLessThan(0.01);
    }
  });

  it.each(['double-seasonal', 'double-seasonal-mul', 'double-seasonal-mul-days'] as ModelName[])('%s forecasts a pure daily × weekly pattern almost exactly', (model) => {
    // no trend: the double-seasonal models have none
    const day = [1, 1, 1, 1, 0.9, 0.6, 0.5];
    const f = (t: number) => (300 + 150 * Math.sin((2 * Math.PI * t) / 24)) * day[Math.floor(t / 24) % 7];
    const y = Float64Array.from({ length: 24 * 21 }, (_, t) => f(t));
    const out = forecast(y, { stepS: HOUR, horizon: 48, model });
    for (let k = 0; k < 48; k++) {
      const truth = f(y.length + k);
      expect(Math.abs(out.mean[k] - truth) / truth, `${model} step ${k}`).toBeLessThan(0.02);
    }
  });
});

describe('calibration', () => {
  it('90% and 99% intervals cover within 3 points of nominal on a noisy seasonal series', () => {
    // Poisson counts around a daily × weekly shape: 5 weeks hourly, backtested over the last 2 weeks
    const rng = new Rng(5);
    const rate = (t: number) => (300 + 250 * Math.sin((2 * Math.PI * t) / 24)) * [1, 1, 1, 1, 1, 0.6, 0.5][Math.floor(t / 24) % 7];
    const y = Float64Array.from({ length: 24 * 35 }, (_, t) => poisson(rate(t), rng) * (1 + 0.05 * (rng.next() - 0.5)));
    const [s] = backtest(y, { stepS: HOUR, horizon: 24, origins: 14, models: ['auto'] });
    expect(Math.abs(s.coverage90 - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(s.coverage99 - 0.99)).toBeLessThan(0.03);
  });
});

describe('error quantiles', () => {
  const sorted = (n: number) => Float64Array.from({ length: n }, (_, i) => i + 1); // 1..n

  it('thin tails are taken as split conformal prediction takes them; elsewhere interpolated', () => {
    // n = 199: the 0.995 level expects 1 error beyond it, so the ⌈200 × 0.995⌉ = 199th (the max)
    expect(tailQuantile(sorted(199), 0.995)).toBe(199);
    expect(tailQuantile(sorted(199), 0.005)).toBe(1);
    // n = 999: 0.995 expects 5 beyond: the interpolated quantile, position 0.995 × 998 = 993.01
    expect(tailQuantile(sorted(999), 0.995)).toBeCloseTo(994.01, 9);
    expect(tailQuantile(sorted(199), 0.95)).toBeCloseTo(0.95 * 198 + 1, 9);
    // coverage of a new draw between the conformal pair is at least the level: exchangeable uniforms
    const rng = new Rng(3);
    let inside = 0;
    const trials = 20000;
    for (let t = 0; t < trials; t++) {
      const e = Float64Array.from({ length: 49 }, () => rng.next()).sort();
      const x = rng.next();
      if (x >= tailQuantile(e, 0.005) && x <= tailQuantile(e, 0.995)) inside++;
    }
    // 48/50 = 0.96 exactly (σ = 0.0014 here); the interpolated pair would give 0.950
    expect(inside / trials).toBeGreaterThan(0.955);
  });

  it('widens by the recent RMS over the pooled RMS when noise has risen, never narrows', () => {
    const rng = new Rng(9);
    const noise = (n: number, scale: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => scale(i) * (rng.next() - 0.5) * Math.sqrt(12));
    // unit noise, doubled over the last quarter: RMS² = (3/4)·1 + (1/4)·4 = 7/4, recent 4 → √(16/7)
    const risen = [noise(400, (i) => (i >= 300 ? 2 : 1)), noise(400, (i) => (i >= 300 ? 2 : 1))];
    expect(recentWidening(risen)).toBeGreaterThan(0.92 * Math.sqrt(16 / 7));
    expect(recentWidening(risen)).toBeLessThan(1.08 * Math.sqrt(16 / 7));
    expect(recentWidening([noise(400, (i) => (i >= 300 ? 0.5 : 1))])).toBe(1);
    expect(recentWidening([noise(30, () => 5)])).toBe(1); // too few errors to judge
    // and the quantiles carry it
    const q = errorQuantiles(risen, [0.95]).get(0.95)!;
    expect(q[0]).toBeCloseTo(tailQuantile(Float64Array.from(risen[0]).sort(), 0.95) * recentWidening(risen), 12);
  });
});

describe('the shipped traces (issue #5 targets)', () => {
  it('hourly synthetic tide: auto MASE at least 10% below weekly seasonal naive; intervals calibrated', () => {
    const y = loadCounts('traces/tidal-5w-1h.csv', HOUR).counts;
    const [sn, auto] = backtest(y, { stepS: HOUR, horizon: 24, origins: 14, models: ['seasonal-naive-weekly', 'auto'] });
    expect(auto.mase).toBeLessThan(0.9 * sn.mase);
    expect(Math.abs(auto.coverage90 - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(auto.coverage99 - 0.99)).toBeLessThan(0.03);
  });

  // 20 s of CPU (measured 2026-12-02 02:39 UTC, 20.1 s user + 0.9 s system for the whole vitest run of this one test):
  // the backtest refits every model at 24 origins of 2 weeks of minutes. Bounded by its CPU time; the
  // wall-clock timeout is only the hang guard, sized for a crowded machine (it took 55 s at load 15).
  const TIDE_1M_CPU_S = 20;
  it('1-minute synthetic tide: auto MASE at least 10% below weekly seasonal naive', () => {
    const cpu0 = process.cpuUsage();
    const y = loadCounts('traces/tidal-2w-1m.csv', 60).counts;
    const [sn, auto] = backtest(y, { stepS: 60, horizon: 60, origins: 24, models: ['seasonal-naive-weekly', 'auto'] });
    const cpu = process.cpuUsage(cpu0);
    expect(auto.mase).toBeLessThan(0.9 * sn.mase);
    expect(Math.abs(auto.coverage90 - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(auto.coverage99 - 0.99)).toBeLessThan(0.03);
    expect((cpu.user + cpu.system) / 1e6, 'CPU seconds').toBeLessThanOrEqual(cpuBound(TIDE_1M_CPU_S));
  }, wallGuardMs(TIDE_1M_CPU_S));

  // Scored by the randomized PIT (coverage90, exact for a count's atoms) the code trace's 90%
  // interval covered 85.9% before the holdout calibration (calibrate.ts; after a burst its
  // forecasts above 20 fell short of the lower tail), then 90.7%; conv 87.4% → 89.7%; with the
  // finite-sample target and guarded narrowing (h18c) 91.3% and 90.4%; with the near-zero
  // floor (predictive.ts `nearZero`) code 90.0%. The plain
  // share of actuals inside [q05, q95] is no calibration measure on small counts (every 0 at
  // q05 = 0 counts as inside): code's is 96.7%, so only its 99% is held to 3 points.
  it.each([
    ['code', 0.9],
    ['conv', 0.904],
  ] as const)('real Azure %s trace: auto below seasonal naive; intervals near nominal', (name, pit90) => {
    const y = loadCounts(`traces/azure-llm-2023-${name}-10s.csv`, 10).counts;
    const [sn, auto] = backtest(y, { stepS: 10, horizon: 6, origins: 40, models: ['seasonal-naive-weekly', 'auto'] });
    expect(auto.mase).toBeLessThan(0.95 * sn.mase);
    expect(Math.abs(auto.coverage90 - 0.9)).toBeLessThan(0.03);
    expect(auto.hits90).toBeGreaterThanOrEqual(auto.coverage90);
    expect(Math.abs(auto.hits99 - 0.99)).toBeLessThan(0.03);
    expect(auto.coverage90).toBeCloseTo(pit90, 3);
    expect(Math.abs(auto.coverage99 - 0.99)).toBeLessThan(0.03);
  });
});

describe('properties', () => {
  it('no NaN or negative output for any non-negative input; one value per step of the horizon', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 50 })), { minLength: 0, maxLength: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(...MODEL_NAMES),
        fc.constantFrom(3600, 60, 600),
        (values, h, model, stepS) => {
          const f = forecast(Float64Array.from(values), { stepS, horizon: h, model });
          const all = [f.mean, ...f.quantiles.values()];
          return all.every((a) => a.length === h && a.every((v) => Number.isFinite(v) && v >= 0));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('treats gaps (NaN, negative) as zero and says so', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? NaN : i % 7 === 0 ? -1 : 5));
    const f = forecast(y, { stepS: 60, horizon: 5 });
    expect(f.notes.join(' ')).toMatch(/missing or negative values counted as 0/);
    expect(f.mean.every((v) => v >= 0)).toBe(true);
  });

  it('falls back to simpler models on short histories and says so', () => {
    const f = forecast(Float64Array.from([3, 4, 5]), { stepS: HOUR, horizon: 4, model: 'double-seasonal' });
    expect(f.notes.join(' ')).toMatch(/double-seasonal needs \d+ steps of history, got 3: using seasonal naive/);
    expect(forecast(new Float64Array(0), { stepS: HOUR, horizon: 3 }).valid).toBe(false);
  });
});
