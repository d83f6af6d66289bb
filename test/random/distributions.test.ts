import { describe, expect, it } from 'vitest';
import { makeDistribution, Normal, Z99, type DistributionSpec } from '../../src/random/distributions.js';
import { Rng, stream } from '../../src/random/rng.js';

function moments(spec: DistributionSpec, n = 200_000, seed = 1) {
  const d = makeDistribution(spec, new Rng(seed));
  let s = 0;
  let ss = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = d.sample();
    xs[i] = x;
    s += x;
    ss += x * x;
  }
  const mean = s / n;
  xs.sort();
  return { mean, variance: ss / n - mean * mean, q: (p: number) => xs[Math.floor(p * n)], declared: d.mean };
}

describe('Rng', () => {
  it('is deterministic per seed and uniform on (0, 1)', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      expect(x > 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]++;
    }
    // chi-square with 9 df: 99.9% critical value 27.9
    const chi = buckets.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('gives independent streams per name and replication', () => {
    const x = stream(7, 0, 'workload.arrivals').next();
    expect(stream(7, 0, 'workload.arrivals').next()).toBe(x);
    expect(stream(7, 1, 'workload.arrivals').next()).not.toBe(x);
    expect(stream(7, 0, 'workload.sessionDuration').next()).not.toBe(x);
    expect(stream(8, 0, 'workload.arrivals').next()).not.toBe(x);
  });
});

describe('distributions', () => {
  it('exponential: mean and variance', () => {
    const m = moments({ kind: 'exponential', mean: 2 });
    expect(m.mean).toBeCloseTo(2, 1);
    expect(m.variance / 4).toBeCloseTo(1, 1);
  });

  it('lognormal from median and p99 reproduces both', () => {
    const spec: DistributionSpec = { kind: 'lognormal', mu: Math.log(2), sigma: Math.log(8 / 2) / Z99 };
    const m = moments(spec);
    expect(Math.abs(m.q(0.5) - 2) / 2).toBeLessThan(0.02);
    expect(Math.abs(m.q(0.99) - 8) / 8).toBeLessThan(0.03);
    expect(Math.abs(m.mean - m.declared) / m.declared).toBeLessThan(0.01);
  });

  it('gamma (shape 3 and shape 0.5): mean k·θ and variance k·θ²', () => {
    for (const shape of [3, 0.5]) {
      const m = moments({ kind: 'gamma', shape, scale: 2 });
      expect(Math.abs(m.mean - shape * 2) / (shape * 2)).toBeLessThan(0.01);
      expect(Math.abs(m.variance - shape * 4) / (shape * 4)).toBeLessThan(0.03);
    }
  });

  it('uniform, fixed and empirical', () => {
    const u = moments({ kind: 'uniform', min: 1, max: 3 });
    expect(u.mean).toBeCloseTo(2, 2);
    expect(u.variance).toBeCloseTo(4 / 12, 2);
    expect(makeDistribution({ kind: 'fixed', value: 5 }, new Rng(1)).sample()).toBe(5);
    const e = moments({ kind: 'empirical', values: [1, 2, 3, 10] });
    expect(e.mean).toBeCloseTo(4, 1);
    expect(new Set(Array.from({ length: 100 }, () => makeDistribution({ kind: 'empirical', values: [1, 2] }, new Rng(3)).sample())).size).toBe(1);
  });
});

describe('Normal (Ziggurat)', () => {
  it('matches N(0,1): moments, tails and a Kolmogorov–Smirnov bound', async () => {
    const { Normal } = await import('../../src/random/normal.js');
    const { cumulativeStdNormalProbability } = await import('simple-statistics');
    const n = new Normal(new Rng(11));
    const N = 400_000;
    const xs = new Float64Array(N);
    let s = 0;
    let ss = 0;
    let tail3 = 0;
    for (let i = 0; i < N; i++) {
      const x = n.sample();
      xs[i] = x;
      s += x;
      ss += x * x;
      if (Math.abs(x) > 3) tail3++;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    expect(Math.abs(ss / N - 1)).toBeLessThan(0.01);
    expect(Math.abs(tail3 / N - 0.0026998) / 0.0026998).toBeLessThan(0.12);
    xs.sort();
    let d = 0;
    for (let i = 0; i < N; i += 97) d = Math.max(d, Math.abs((i + 1) / N - cumulativeStdNormalProbability(xs[i])));
    // simple-statistics tabulates Φ to 2 decimals of z, hence 0.005 rather than the KS 1% critical value 0.0026
    expect(d).toBeLessThan(0.005);
  });
});

describe('batched draws', () => {
  it('log-normal and exponential samplers give the draws of their stream in order, across batch boundaries', () => {
    const ln = makeDistribution({ kind: 'lognormal', mu: 0.7, sigma: 0.6 }, new Rng(11));
    const normal = new Normal(new Rng(11));
    const ex = makeDistribution({ kind: 'exponential', mean: 2 }, new Rng(12));
    const u = new Rng(12);
    for (let i = 0; i < 1000; i++) {
      expect(ln.sample()).toBe(Math.exp(0.7 + 0.6 * normal.sample()));
      expect(ex.sample()).toBe(-2 * Math.log(u.next()));
    }
  });
});
