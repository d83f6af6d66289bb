import { describe, expect, it } from 'vitest';
import { backtest, cdfFromQuantiles, PIT_LEVELS, pitCoverage } from '../../src/forecast/backtest.js';
import { countQuantile } from '../../src/forecast/countQuantiles.js';
import { poisson } from '../../src/random/poisson.js';
import { Rng } from '../../src/random/rng.js';

/** A negative binomial (gamma–Poisson) draw, or a Poisson one when variance ≤ mean. */
function draw(rng: Rng, mean: number, variance: number): number {
  if (variance <= mean) return poisson(mean, rng);
  const r = (mean * mean) / (variance - mean);
  return poisson((gamma(rng, r) * mean) / r, rng);
}
function gamma(rng: Rng, a: number): number {
  if (a < 1) return gamma(rng, 1 + a) * Math.pow(rng.next(), 1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(rng.next() || 1e-300)) * Math.cos(2 * Math.PI * rng.next());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(rng.next()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

describe('coverage of a count forecast (randomized PIT)', () => {
  it('reads the CDF back from quantiles', () => {
    expect(cdfFromQuantiles([0.1, 0.5, 0.9], [0, 2, 4], 1)).toBeCloseTo(0.3, 12);
    expect(cdfFromQuantiles([0.1, 0.5, 0.9], [0, 2, 4], -1)).toBe(0);
    expect(cdfFromQuantiles([0.1, 0.5, 0.9], [0, 2, 4], 5)).toBe(1);
    expect(cdfFromQuantiles([0.1, 0.5, 0.9], [0, 0, 4], 0)).toBe(0.5);
  });

  // Draws from the forecast's own distribution: a calibrated forecast. The PIT coverage is the
  // level within sampling noise (±0.7 points at 90% on 8,000 draws); "q05 ≤ a ≤ q95" is not.
  it.each([
    [0.1, 0.1],
    [0.4, 0.4],
    [2, 2],
    [2, 8],
    [0.5, 3],
    [8, 8],
    [30, 300],
  ])('mean %d, variance %d: a true forecast covers 90% and 99%', (mean, variance) => {
    const rng = new Rng(11);
    const qs = Float64Array.from(PIT_LEVELS, (l) => countQuantile(mean, variance, l));
    const q = (l: number) => qs[PIT_LEVELS.indexOf(l)];
    const n = 8000;
    let c90 = 0;
    let c99 = 0;
    let plain = 0;
    for (let i = 0; i < n; i++) {
      const a = draw(rng, mean, variance);
      c90 += pitCoverage(PIT_LEVELS, qs, a, 0.1);
      c99 += pitCoverage(PIT_LEVELS, qs, a, 0.01);
      if (a >= q(0.05) && a <= q(0.95)) plain++;
    }
    expect(Math.abs(c90 / n - 0.9)).toBeLessThan(0.015);
    expect(Math.abs(c99 / n - 0.99)).toBeLessThan(0.005);
    // the plain count over-covers wherever 0 is an atom of ≥ 10% (q05 = 0 and every 0 is "in")
    if (mean >= 0.4 && mean <= 2) expect(plain / n).toBeGreaterThan(0.935);
  });

  it('an over-wide forecast over-covers and a too-narrow one under-covers (the measure can fail)', () => {
    const rng = new Rng(5);
    const wide = Float64Array.from(PIT_LEVELS, (l) => countQuantile(2, 12, l));
    const narrow = Float64Array.from(PIT_LEVELS, (l) => countQuantile(2, 2, l));
    let w = 0;
    let nr = 0;
    for (let i = 0; i < 4000; i++) {
      w += pitCoverage(PIT_LEVELS, wide, draw(rng, 2, 2), 0.1);
      nr += pitCoverage(PIT_LEVELS, narrow, draw(rng, 2, 12), 0.1);
    }
    expect(w / 4000).toBeGreaterThan(0.95);
    expect(nr / 4000).toBeLessThan(0.85);
  });

  // Fresh Poisson and negative-binomial series with a daily tide of small counts (known truth:
  // a calibrated forecast covers 90%). Before the variance function (countVariance) auto covered
  // 86.2% on the Poisson tide (means 0.2–3) and 87.5% on the NB one, with the step's own error
  // moments alone. Averaged over 4 seeds (one backtest is 168 points, ±2.3 points of noise).
  // With the holdout calibration (calibrate.ts) and the profile default: Poisson 87.1% → 89.5%
  // (this test passed by 0.1 point before), NB 89.6% → 90.5%.
  it.each([
    ['Poisson 0.2–3 an hour', (rng: Rng, t: number) => poisson(1.6 + 1.4 * Math.sin((2 * Math.PI * t) / 24), rng)],
    ['NB (shape 2) 1–8 an hour', (rng: Rng, t: number) => draw(rng, 4.5 + 3.5 * Math.sin((2 * Math.PI * t) / 24), (4.5 + 3.5 * Math.sin((2 * Math.PI * t) / 24)) * (1 + (4.5 + 3.5 * Math.sin((2 * Math.PI * t) / 24)) / 2))],
  ] as const)('auto on fresh %s: intervals within 3 points; the plain share over-covers', (_, gen) => {
    let c90 = 0;
    let c99 = 0;
    let hits = 0;
    for (const seed of [21, 22, 23, 24]) {
      const rng = new Rng(seed);
      const y = Float64Array.from({ length: 21 * 24 }, (_, t) => gen(rng, t));
      const [s] = backtest(y, { stepS: 3600, horizon: 24, origins: 7, models: ['auto'] });
      c90 += s.coverage90 / 4;
      c99 += s.coverage99 / 4;
      hits += s.hits90 / 4;
    }
    expect(Math.abs(c90 - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(c99 - 0.99)).toBeLessThan(0.03);
    expect(hits).toBeGreaterThan(c90);
  });
});
