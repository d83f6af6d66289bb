import { probit } from 'simple-statistics';
import { pooledSteps, sharedTail } from './errors.js';

/**
 * Quantiles for small counts. Where a count series' forecast is a few arrivals per step, the
 * empirical errors (standardised by √(level + 1) and pooled over all levels) have the wrong shape:
 * a count of mean 0.4 is 0 two times in three and never −0.4. There the forecast distribution is
 * a negative binomial with the forecast's mean (plus the errors' mean, its bias) and the
 * variance the errors show at that level, or a Poisson when they show less than the mean.
 */

/** Forecast means below this many arrivals per step take negative-binomial quantiles (on count series). */
export const SMALL_COUNT = 20;

/** Whether every value of the series is a whole number (a count series). */
export function isCounts(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (y[i] !== Math.round(y[i])) return false;
  return true;
}

/**
 * The q-quantile of a count with mean `mean` and variance `variance`, X negative binomial
 * (variance > mean) or Poisson, read as a *mid-quantile*: the inverse of the mid-distribution
 * F(k − 1) + ½P(k), interpolated linearly between whole counts. The plain quantile (the smallest
 * k with P(X ≤ k) ≥ q) covers P(X ≤ k), which on a count of mean 2 can be 0.95 at level 0.90, so
 * an interval between two of them over-covered (95–98% at 90% on thinned traces); a count at or
 * under the mid-quantile has probability q on average over where q falls. Mean 0 gives 0; a level
 * below ½P(0) gives 0.
 */
export function countQuantile(mean: number, variance: number, q: number): number {
  const out = new Float64Array(1);
  countQuantiles(mean, variance, [q], out);
  return out[0];
}

/**
 * `countQuantile` at every level of `levels` (increasing) in one walk up the distribution, into
 * `out` (the calibration reads 200 levels at each of its points).
 */
export function countQuantiles(mean: number, variance: number, levels: readonly number[], out: Float64Array): void {
  const L = levels.length;
  if (!(mean > 0)) {
    out.fill(0, 0, L);
    return;
  }
  const v = Math.max(variance, mean);
  // P(X = 0) and the ratio P(k+1)/P(k): Poisson (v = mean) or NB with size r, success p
  const poisson = v <= mean * (1 + 1e-9);
  const r = poisson ? Infinity : (mean * mean) / (v - mean);
  const p = poisson ? 1 : r / (r + mean);
  let pk = poisson ? Math.exp(-mean) : Math.exp(r * Math.log(p));
  // mid-distribution at k: below = P(X < k)
  let below = 0;
  let mid = 0.5 * pk;
  let i = 0;
  while (i < L && levels[i] <= mid) out[i++] = 0;
  let k = 0;
  const limit = mean + 60 * Math.sqrt(v) + 100;
  while (i < L && k < limit) {
    const next = poisson ? (pk * mean) / (k + 1) : pk * ((k + r) / (k + 1)) * (1 - p);
    const nextMid = below + pk + 0.5 * next;
    while (i < L && nextMid >= levels[i] - 1e-12) {
      out[i] = nextMid > mid ? k + (levels[i] - mid) / (nextMid - mid) : k + 1;
      i++;
    }
    below += pk;
    pk = next;
    mid = nextMid;
    k++;
    if (pk === 0) {
      // underflow far in the tail of a huge-variance NB: fall back to a normal approximation
      for (; i < L; i++) out[i] = Math.max(0, mean + Math.sqrt(v) * probit(levels[i]));
    }
  }
  for (; i < L; i++) out[i] = k;
}

/**
 * Mean and mean square of the standardised errors per step ahead, pooling neighbouring steps
 * until at least `minSamples` are in hand (as the empirical quantiles pool them). NaN where none.
 */
export function errorMoments(errs: Float64Array[], minSamples = 50): { mean: Float64Array; meanSquare: Float64Array } {
  const h = errs.length;
  const mean = new Float64Array(h).fill(NaN);
  const meanSquare = new Float64Array(h).fill(NaN);
  const tail = sharedTail(errs);
  for (let k = 0; k < h; k++) {
    if (k > tail) {
      mean[k] = mean[tail];
      meanSquare[k] = meanSquare[tail];
      continue;
    }
    const [lo, hi, count] = pooledSteps(errs, k, minSamples);
    if (count === 0) continue;
    let s = 0;
    let ss = 0;
    for (let j = lo; j <= hi; j++) for (const e of errs[j]) {
      s += e;
      ss += e * e;
    }
    mean[k] = s / count;
    meanSquare[k] = ss / count;
  }
  return { mean, meanSquare };
}

/**
 * The variance function of small-count forecast errors, Var(y − ŷ) ≈ aŷ + bŷ² (a ≥ 1, b ≥ 0), as
 * quasi-likelihood fits it: weighted least squares of the squared out-of-sample errors on ŷ and
 * ŷ² (weights 1/max(ŷ, ½)², as a squared error's spread grows with its variance), over every
 * error whose forecast ŷ is a small count (< SMALL_COUNT). a > 1 carries what Poisson(ŷ) leaves
 * out at low levels (the error of ŷ itself: a profile averaged over w weeks adds ~ŷ/w), b the
 * bursts (a level times a random multiplier: NB2). The standardised moments alone scale the
 * variance by ŷ + 1; pooled over a day of levels 0.2–3 that gave 0.6 at ŷ = 0.2 but fell under the
 * Poisson floor from ŷ ≈ 1 up, so auto's 90% intervals covered 86–87% of fresh Poisson counts
 * (randomized PIT). `raw[j]`: the errors y − ŷ at step j ahead; `level[j]`: their forecasts ŷ.
 * { a: 1, b: 0 } (Poisson) with fewer than 20 such errors.
 */
export function countVariance(raw: readonly ArrayLike<number>[], level: readonly ArrayLike<number>[]): { a: number; b: number } {
  // normal equations of Σ w (e² − a ŷ − b ŷ²)²
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let t1 = 0;
  let t2 = 0;
  let n = 0;
  for (let j = 0; j < raw.length; j++) {
    for (let i = 0; i < raw[j].length; i++) {
      const m = level[j][i];
      if (!(m >= 0 && m < SMALL_COUNT)) continue;
      const w = 1 / Math.max(m, 0.5) ** 2;
      const e2 = raw[j][i] * raw[j][i];
      s11 += w * m * m;
      s12 += w * m * m * m;
      s22 += w * m ** 4;
      t1 += w * e2 * m;
      t2 += w * e2 * m * m;
      n++;
    }
  }
  if (n < 20 || !(s11 > 0)) return { a: 1, b: 0 };
  const det = s11 * s22 - s12 * s12;
  let a = det > 0 ? (t1 * s22 - t2 * s12) / det : t1 / s11;
  let b = det > 0 ? (t2 * s11 - t1 * s12) / det : 0;
  if (!(b >= 0)) {
    b = 0;
    a = t1 / s11;
  }
  if (!(a >= 1)) {
    a = 1;
    b = s22 > 0 ? Math.max(0, (t2 - s12) / s22) : 0;
  }
  return { a, b };
}
