import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countQuantile } from '../../src/forecast/countQuantiles.js';

/** P(lo ≤ X ≤ hi) for X Poisson(mean), with the backtest's inclusive reading of an interval. */
function poissonCover(mean: number, lo: number, hi: number): number {
  let pk = Math.exp(-mean);
  let c = 0;
  for (let k = 0; k < 200; k++) {
    if (k >= lo && k <= hi) c += pk;
    pk *= mean / (k + 1);
  }
  return c;
}

/** The plain q-quantile of Poisson(mean): the smallest k with P(X ≤ k) ≥ q. */
function poissonQuantile(mean: number, q: number): number {
  let pk = Math.exp(-mean);
  let cdf = pk;
  let k = 0;
  while (cdf < q) {
    pk *= mean / ++k;
    cdf += pk;
  }
  return k;
}

describe('countQuantile (mid-quantiles)', () => {
  it('Poisson(2): the 95% mid-quantile lies between 4 and 5 (4 + (0.95 − 0.902) / 0.063)', () => {
    expect(countQuantile(2, 2, 0.95)).toBeCloseTo(4.76, 2);
    expect(countQuantile(2, 2, 0.05)).toBe(0); // below ½P(0) = 0.068
    expect(countQuantile(0, 5, 0.9)).toBe(0);
  });

  it('90% intervals between mid-quantiles cover 90% on average over small Poisson means, within 2 points (the plain quantiles over-cover)', () => {
    let mid = 0;
    let plain = 0;
    const means = Array.from({ length: 40 }, (_, i) => 0.5 + i * 0.5);
    for (const m of means) {
      mid += poissonCover(m, countQuantile(m, m, 0.05), countQuantile(m, m, 0.95));
      plain += poissonCover(m, poissonQuantile(m, 0.05), poissonQuantile(m, 0.95));
    }
    expect(Math.abs(mid / means.length - 0.9)).toBeLessThan(0.02);
    expect(plain / means.length).toBeGreaterThan(0.93);
  });

  it('negative binomial: quantiles rise with the variance and stay finite far in the tail', () => {
    expect(countQuantile(5, 50, 0.99)).toBeGreaterThan(countQuantile(5, 5, 0.99));
    expect(Number.isFinite(countQuantile(3, 1e9, 0.995))).toBe(true);
  });
});

describe('pooling past the last step with errors', () => {
  it('every step past the last one with errors pools the same errors, so they are computed once (a 7-day horizon at 10 s took over 2 minutes)', async () => {
    const { pooledErrors, sharedTail, errorQuantiles } = await import('../../src/forecast/errors.js');
    const { errorMoments } = await import('../../src/forecast/countQuantiles.js');
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { maxLength: 30 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 120 }),
        (observed, empty, minSamples) => {
          const errs = [...observed.map((e) => Float64Array.from(e)), ...Array.from({ length: empty }, () => new Float64Array(0))];
          const tail = sharedTail(errs);
          const sorted = (k: number) => Array.from(pooledErrors(errs, k, minSamples)).sort((a, b) => a - b);
          const ref = sorted(Math.min(tail, errs.length - 1));
          for (let k = tail + 1; k < errs.length; k++) if (JSON.stringify(sorted(k)) !== JSON.stringify(ref)) return false;
          // and the figures past it are the tail's
          const q = errorQuantiles(errs, [0.05, 0.5, 0.95], minSamples);
          const m = errorMoments(errs, minSamples);
          for (let k = tail + 1; k < errs.length; k++) {
            if (!Object.is(q.get(0.95)![k], q.get(0.95)![tail]) || !Object.is(m.meanSquare[k], m.meanSquare[tail])) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
