import { describe, expect, it } from 'vitest';
import { bucketQuantile, fitBuckets, type Buckets } from '../../src/calibrate/fitBuckets.js';
import { gammaP, lnGamma, normCdf, normInv } from '../../src/stats/special.js';
import { EXPORT_BOUNDS } from '../../src/model/exportHistograms.js';
import { makeDistribution, type DistributionSpec } from '../../src/random/distributions.js';
import { stream } from '../../src/random/rng.js';

/** n draws of `spec` counted into buckets with these bounds. */
function bucketed(spec: DistributionSpec, n: number, bounds: readonly number[], seed = 1): Buckets {
  const d = makeDistribution(spec, stream(seed, 0, 'test'));
  const counts = new Array(bounds.length + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const x = d.sample();
    let k = bounds.findIndex((b) => x <= b);
    if (k < 0) k = bounds.length;
    counts[k]++;
  }
  return { bounds: [...bounds], counts };
}

describe('special functions', () => {
  it('match tabulated values', () => {
    expect(normCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normInv(0.99)).toBeCloseTo(2.3263478740408408, 6);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(gammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12); // exponential
    expect(gammaP(3, 2.5)).toBeCloseTo(0.4561868841166703, 10);
    // integer shape: P(a, x) = 1 − e^−x Σ_{k<a} x^k/k! (the continued-fraction branch, x > a + 1)
    let term = 1;
    let sum = 1;
    for (let k = 1; k < 30; k++) sum += (term *= 40 / k);
    expect(gammaP(30, 40)).toBeCloseTo(1 - Math.exp(-40) * sum, 10);
  });
});

describe('interval-censored fits of histogram buckets', () => {
  it('a log-normal behind agent-sandbox creation buckets: log-normal wins, median within 2%, p99 within 5%', () => {
    // median 8 s, p99 30 s: four buckets hold almost all of it (5, 10, 30, 60 s)
    const mu = Math.log(8);
    const sigma = Math.log(30 / 8) / 2.3263478740408408;
    const fits = fitBuckets(bucketed({ kind: 'lognormal', mu, sigma }, 20000, EXPORT_BOUNDS.creation))!;
    expect(fits[0].kind).toBe('lognormal');
    expect(Math.abs(fits[0].median / 8 - 1)).toBeLessThan(0.02);
    expect(Math.abs(fits[0].p99 / 30 - 1)).toBeLessThan(0.05);
    expect(fits[0].ks).toBeLessThan(0.01);
    // the exponential fits this worst
    expect(fits.find((f) => f.kind === 'exponential')!.ks).toBeGreaterThan(0.1);
  });

  it('a gamma is told from a log-normal; an exponential is found with one parameter', () => {
    const g = fitBuckets(bucketed({ kind: 'gamma', shape: 3, scale: 20 }, 20000, EXPORT_BOUNDS.sessionDuration, 2))!;
    expect(g[0].kind).toBe('gamma');
    const spec = g[0].spec as { shape: number; scale: number };
    expect(spec.shape).toBeGreaterThan(2.7);
    expect(spec.shape).toBeLessThan(3.3);
    const e = fitBuckets(bucketed({ kind: 'exponential', mean: 90 }, 20000, EXPORT_BOUNDS.sessionDuration, 3))!;
    expect(['exponential', 'gamma']).toContain(e[0].kind);
    const ex = e.find((f) => f.kind === 'exponential')!;
    expect(Math.abs((ex.spec as { mean: number }).mean / 90 - 1)).toBeLessThan(0.03);
  });

  it('a bimodal mixture: no parametric family fits, the empirical buckets win', () => {
    const a = bucketed({ kind: 'lognormal', mu: Math.log(2), sigma: 0.1 }, 10000, EXPORT_BOUNDS.creation, 4);
    const b = bucketed({ kind: 'lognormal', mu: Math.log(100), sigma: 0.1 }, 10000, EXPORT_BOUNDS.creation, 5);
    const fits = fitBuckets({ bounds: a.bounds, counts: a.counts.map((c, i) => c + b.counts[i]) })!;
    expect(fits[0].kind).toBe('empirical');
  });

  it('one non-empty bucket is a fixed value; no observations is null', () => {
    const f = fitBuckets({ bounds: [0.1, 0.25], counts: [40, 0, 0] })!;
    expect(f[0].spec).toEqual({ kind: 'fixed', value: 0.05 });
    expect(fitBuckets({ bounds: [1], counts: [0, 0] })).toBeNull();
  });

  it('bucket quantiles interpolate like histogram_quantile', () => {
    const b = { bounds: [1, 2, 4], counts: [10, 10, 20, 0] };
    expect(bucketQuantile(b, 0.25)).toBe(1);
    expect(bucketQuantile(b, 0.5)).toBe(2);
    expect(bucketQuantile(b, 0.75)).toBe(3);
    expect(bucketQuantile({ bounds: [1], counts: [1, 9] }, 0.9)).toBe(1);
  });
});
