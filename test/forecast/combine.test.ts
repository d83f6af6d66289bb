import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/forecast/backtest.js';
import { clearlyBetter, combine } from '../../src/forecast/combine.js';
import { AutoModel } from '../../src/forecast/auto.js';
import { seasonsFor } from '../../src/forecast/forecast.js';

/** mulberry32, a seed per test (not the bench's seeds) */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function poisson(mean: number, u: () => number): number {
  if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u())));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= u();
  } while (p > l);
  return k - 1;
}

/** A 1-hour-ish, 1-minute series of sparse or bursty traffic: on/off bursts, spikes over a low base, or a thin climb. */
function shortBursty(seed: number): Float64Array {
  const u = rng(seed);
  const n = 60 + Math.floor(u() * 40);
  const scale = Math.exp(Math.log(0.5) + u() * Math.log(100));
  const kind = seed % 3;
  let on = false;
  return Float64Array.from({ length: n }, (_, t) => {
    let rate = scale;
    if (kind === 0) {
      if (u() < (on ? 0.3 : 0.15)) on = !on;
      rate = scale * (on ? 3 : 0.15);
    } else if (kind === 1) rate = scale * 0.3 + (u() < 0.2 ? scale * (2 + 6 * u()) : 0);
    else rate = scale * (1 + (1.5 * t) / n);
    return poisson(rate, u);
  });
}

describe('combine', () => {
  it('takes the per-step mean or median of forecasts', () => {
    const parts = [Float64Array.of(1, 10), Float64Array.of(2, 0), Float64Array.of(9, 5)];
    expect(Array.from(combine(parts, 'mean'))).toEqual([4, 5]);
    expect(Array.from(combine(parts, 'median'))).toEqual([2, 5]);
    expect(Array.from(combine(parts.slice(0, 2), 'median'))).toEqual([1.5, 5]);
  });

  it('calls errors clearly better only when below by more than z standard errors', () => {
    expect(clearlyBetter([1, 1, 1, 1], [2, 2, 2, 2], 1)).toBe(true);
    // lower on average (by 0.5) but the per-origin differences spread ±3: not clearly
    expect(clearlyBetter([0, 4, 0, 4], [3, 1, 3, 1], 1)).toBe(false);
    expect(clearlyBetter([], [], 1)).toBe(false);
  });
});

describe('auto without a season in hand', () => {
  it('uses the median of its full-resolution candidates unless a choice validates clearly better, and says so', () => {
    // one noisy, level hour at 1 minute: validation holds a handful of origins
    const u = rng(77);
    const y = Float64Array.from({ length: 60 }, () => poisson(30, u));
    const m = new AutoModel(5);
    const f = m.fit(y, seasonsFor(60));
    expect(m.lastChoice!.model.startsWith('median:')).toBe(true);
    // 20 steps of validation, under five horizons: the median is not even tested (auto.ts)
    expect(f.notes.some((x) => x.includes('too few to test a choice against the median'))).toBe(true);
    // six hours: the validated choice is tested against the median and, here, not clearly better
    const six = Float64Array.from({ length: 360 }, () => poisson(30, u));
    const m6 = new AutoModel(5);
    const f6 = m6.fit(six, seasonsFor(60));
    expect(f6.notes.some((x) => x.includes('not clearly better than the median'))).toBe(true);
    // a long seasonal history keeps the validated choice, not the no-season default of every
    // full-resolution candidate (its ranked members, three or more, are combined by their median)
    const hourly = Float64Array.from({ length: 21 * 24 }, (_, t) => poisson(40 + 30 * Math.sin((2 * Math.PI * t) / 24), u));
    const a = new AutoModel(24);
    const fh = a.fit(hourly, seasonsFor(3600));
    expect(fh.notes.some((x) => x.includes('no season in hand'))).toBe(false);
    expect(a.lastChoice!.model.split('+').length).toBeLessThanOrEqual(3);
  });

  // 0.793 before the median went untested under five horizons of validation, 0.798 after (h18f;
  // on 300 more of these series, seeds 1000–1299, 0.828 → 0.839: spikes over a low base 0.742 →
  // 0.772, on/off bursts and the climb unchanged; the thinned real hours and 1-hour windows of
  // tiled minutes gained 1–6%, auto.ts)
  it('on fresh short sparse, bursty 1-minute series auto is at least 10% below the last value (geometric mean of MASE ratios)', () => {
    let logSum = 0;
    const N = 30;
    for (let seed = 300; seed < 300 + N; seed++) {
      const y = shortBursty(seed);
      const [naive, auto] = backtest(y, { stepS: 60, horizon: 5, origins: 8, models: ['seasonal-naive-daily', 'auto'] });
      logSum += Math.log(auto.mase / naive.mase);
    }
    expect(Math.exp(logSum / N)).toBeLessThan(0.9);
  });
});
