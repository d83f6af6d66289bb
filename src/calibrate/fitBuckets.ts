import { nelderMead } from '../forecast/nelderMead.js';
import type { DistributionSpec } from '../random/distributions.js';
import { gammaP, normCdf, normInv } from '../stats/special.js';

/**
 * Observations grouped in a Prometheus histogram's buckets over a window: `bounds` are the
 * finite upper bounds (seconds, ascending) and `counts[i]` the observations in (bounds[i-1],
 * bounds[i]] (the first from 0, the last, `counts[bounds.length]`, above every bound).
 */
export interface Buckets {
  bounds: number[];
  counts: number[];
}

/** One distribution fitted to buckets. */
export interface BucketFit {
  kind: 'lognormal' | 'gamma' | 'exponential' | 'empirical' | 'fixed';
  spec: DistributionSpec;
  /** Free parameters (for AIC). */
  params: number;
  logLik: number;
  aic: number;
  /** Largest gap between the fitted CDF and the observed one at the bucket bounds (a Kolmogorov–Smirnov distance on the bucket CDF). */
  ks: number;
  median: number;
  p99: number;
}

/** Buckets from cumulative counts (`le` order, +Inf last), as Prometheus keeps them. */
export function bucketsFromCumulative(bounds: readonly number[], cumulative: readonly number[]): Buckets {
  const counts: number[] = [];
  let prev = 0;
  for (let i = 0; i < cumulative.length; i++) {
    counts.push(Math.max(0, cumulative[i] - prev));
    prev = Math.max(prev, cumulative[i]);
  }
  return { bounds: [...bounds], counts };
}

/** Total observations. */
export const total = (b: Buckets) => b.counts.reduce((a, c) => a + c, 0);

/**
 * The q-quantile read from buckets as Prometheus's `histogram_quantile` does: linear within the
 * bucket holding rank q·N (the first bucket from 0); in the +Inf bucket, the last finite bound.
 * NaN when empty.
 */
export function bucketQuantile(b: Buckets, q: number): number {
  const n = total(b);
  if (!(n > 0)) return NaN;
  const rank = q * n;
  let seen = 0;
  for (let i = 0; i < b.bounds.length; i++) {
    const c = b.counts[i];
    if (seen + c >= rank && c > 0) {
      const lo = i === 0 ? 0 : b.bounds[i - 1];
      return lo + ((b.bounds[i] - lo) * (rank - seen)) / c;
    }
    seen += c;
  }
  return b.bounds[b.bounds.length - 1];
}

/** A CDF F(x) for x ≥ 0 and its quantile function. */
interface Model {
  cdf: (x: number) => number;
  quantile: (p: number) => number;
}

/** Σ n_i · log(F(u_i) − F(l_i)): the interval-censored log-likelihood. */
function logLik(b: Buckets, cdf: (x: number) => number): number {
  let ll = 0;
  let prevF = 0;
  for (let i = 0; i <= b.bounds.length; i++) {
    const F = i < b.bounds.length ? cdf(b.bounds[i]) : 1;
    const n = b.counts[i];
    if (n > 0) ll += n * Math.log(Math.max(1e-300, F - prevF));
    prevF = F;
  }
  return ll;
}

function ksDistance(b: Buckets, cdf: (x: number) => number): number {
  const n = total(b);
  let seen = 0;
  let d = 0;
  for (let i = 0; i < b.bounds.length; i++) {
    seen += b.counts[i];
    d = Math.max(d, Math.abs(cdf(b.bounds[i]) - seen / n));
  }
  return d;
}

const lognormal = (mu: number, sigma: number): Model => ({
  cdf: (x) => (x <= 0 ? 0 : normCdf((Math.log(x) - mu) / sigma)),
  quantile: (p) => Math.exp(mu + sigma * normInv(p)),
});

const gamma = (k: number, theta: number): Model => ({
  cdf: (x) => gammaP(k, x / theta),
  quantile: (p) => {
    // bisection on the CDF (monotone): 200 halvings of [0, hi] are exact to the last bit
    let lo = 0;
    let hi = k * theta;
    while (gammaP(k, hi / theta) < p) hi *= 2;
    for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      const mid = (lo + hi) / 2;
      if (gammaP(k, mid / theta) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  },
});

const exponential = (mean: number): Model => ({ cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean)), quantile: (p) => -mean * Math.log(1 - p) });

/** Minimises in a box from `start`, restarting from the best point until it stops improving (Nelder–Mead's simplex can stall early). */
function minimise(f: (x: number[]) => number, start: number[], lo: number[], hi: number[]): number[] {
  let best = nelderMead(f, start, lo, hi, 2000, 1e-12);
  for (let i = 0; i < 6; i++) {
    const again = nelderMead(f, best.x, best.x.map((v, j) => Math.max(lo[j], v - (hi[j] - lo[j]) * 0.02)), best.x.map((v, j) => Math.min(hi[j], v + (hi[j] - lo[j]) * 0.02)), 2000, 1e-14);
    if (!(again.fx < best.fx - 1e-9)) break;
    best = again;
  }
  return best.x;
}

function scored(kind: BucketFit['kind'], spec: DistributionSpec, params: number, b: Buckets, m: Model): BucketFit {
  const ll = logLik(b, m.cdf);
  return { kind, spec, params, logLik: ll, aic: 2 * params - 2 * ll, ks: ksDistance(b, m.cdf), median: m.quantile(0.5), p99: m.quantile(0.99) };
}

/**
 * Fits log-normal, gamma and exponential distributions to bucketed observations by
 * interval-censored maximum likelihood, and an empirical piecewise distribution (the bucket
 * CDF, linear within buckets), and returns them with the best (lowest AIC) first. Buckets with
 * every observation in one bucket give a fixed value (its midpoint). Null when empty.
 */
export function fitBuckets(b: Buckets): BucketFit[] | null {
  const n = total(b);
  if (!(n > 0)) return null;
  const nonEmpty = b.counts.filter((c) => c > 0).length;
  const top = b.bounds[b.bounds.length - 1];
  if (nonEmpty === 1) {
    const i = b.counts.findIndex((c) => c > 0);
    const v = i >= b.bounds.length ? top : ((i === 0 ? 0 : b.bounds[i - 1]) + b.bounds[i]) / 2;
    return [{ kind: 'fixed', spec: { kind: 'fixed', value: v }, params: 0, logLik: 0, aic: 0, ks: 0, median: v, p99: v }];
  }
  const fits: BucketFit[] = [];
  const q = (p: number) => Math.max(1e-6, bucketQuantile(b, p));
  const lowest = Math.max(1e-6, b.bounds[0] / 100);
  // log-normal: (μ, ln σ) from the bucket median and the 10–90% spread
  {
    const mu0 = Math.log(q(0.5));
    const s0 = Math.max(0.05, (Math.log(q(0.9)) - Math.log(q(0.1))) / (2 * 1.2815515655446004));
    const nll = (x: number[]) => -logLik(b, lognormal(x[0], Math.exp(x[1])).cdf);
    const [mu, ls] = minimise(nll, [mu0, Math.log(s0)], [Math.log(lowest), Math.log(0.01)], [Math.log(top * 100), Math.log(5)]);
    fits.push(scored('lognormal', { kind: 'lognormal', mu, sigma: Math.exp(ls) }, 2, b, lognormal(mu, Math.exp(ls))));
  }
  // gamma: (ln k, ln θ) from moments of the bucket midpoints
  {
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i <= b.bounds.length; i++) {
      const mid = i < b.bounds.length ? ((i === 0 ? 0 : b.bounds[i - 1]) + b.bounds[i]) / 2 : top;
      m1 += (b.counts[i] * mid) / n;
      m2 += (b.counts[i] * mid * mid) / n;
    }
    const v = Math.max(1e-12, m2 - m1 * m1);
    const k0 = Math.min(400, Math.max(0.06, (m1 * m1) / v));
    const nll = (x: number[]) => -logLik(b, gamma(Math.exp(x[0]), Math.exp(x[1])).cdf);
    const [lk, lt] = minimise(nll, [Math.log(k0), Math.log(Math.max(lowest, m1 / k0))], [Math.log(0.05), Math.log(lowest / 100)], [Math.log(500), Math.log(top * 100)]);
    const k = Math.exp(lk);
    const theta = Math.exp(lt);
    // the scenario's `gamma: { shape, scale }` (seconds)
    fits.push(scored('gamma', { kind: 'gamma', shape: k, scale: theta }, 2, b, gamma(k, theta)));
  }
  {
    const nll = (x: number[]) => -logLik(b, exponential(Math.exp(x[0])).cdf);
    const [lm] = minimise(nll, [Math.log(Math.max(lowest, q(0.5) / Math.LN2))], [Math.log(lowest)], [Math.log(top * 100)]);
    fits.push(scored('exponential', { kind: 'exponential', mean: Math.exp(lm) }, 1, b, exponential(Math.exp(lm))));
  }
  {
    // the saturated model: each bucket's own share (one parameter per non-empty bucket but one)
    let ll = 0;
    for (const c of b.counts) if (c > 0) ll += c * Math.log(c / n);
    const values = Array.from({ length: 200 }, (_, j) => +bucketQuantile(b, (j + 0.5) / 200).toPrecision(6));
    fits.push({ kind: 'empirical', spec: { kind: 'empirical', values }, params: nonEmpty - 1, logLik: ll, aic: 2 * (nonEmpty - 1) - 2 * ll, ks: 0, median: bucketQuantile(b, 0.5), p99: bucketQuantile(b, 0.99) });
  }
  fits.sort((x, y) => x.aic - y.aic);
  // Models within 2 AIC of each other are not told apart by the data (Burnham & Anderson): then a
  // two-parameter family beats the bucket-by-bucket empirical one, which only copies the buckets.
  const para = fits.findIndex((f) => f.kind !== 'empirical');
  if (fits[0].kind === 'empirical' && para > 0 && fits[para].aic - fits[0].aic <= 2) fits.unshift(...fits.splice(para, 1));
  return fits;
}

