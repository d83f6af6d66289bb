import { probit } from 'simple-statistics';
import { pooledSteps } from './errors.js';

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
  if (!(mean > 0)) return 0;
  const v = Math.max(variance, mean);
  // P(X = 0) and the ratio P(k+1)/P(k): Poisson (v = mean) or NB with size r, success p
  const poisson = v <= mean * (1 + 1e-9);
  const r = poisson ? Infinity : (mean * mean) / (v - mean);
  const p = poisson ? 1 : r / (r + mean);
  let pk = poisson ? Math.exp(-mean) : Math.exp(r * Math.log(p));
  // mid-distribution at k: below = P(X < k)
  let below = 0;
  let mid = 0.5 * pk;
  if (q <= mid) return 0;
  let k = 0;
  const limit = mean + 60 * Math.sqrt(v) + 100;
  while (k < limit) {
    const next = poisson ? (pk * mean) / (k + 1) : pk * ((k + r) / (k + 1)) * (1 - p);
    const nextMid = below + pk + 0.5 * next;
    if (nextMid >= q - 1e-12) return nextMid > mid ? k + (q - mid) / (nextMid - mid) : k + 1;
    below += pk;
    pk = next;
    mid = nextMid;
    k++;
    if (pk === 0) {
      // underflow far in the tail of a huge-variance NB: fall back to a normal approximation
      return Math.max(0, mean + Math.sqrt(v) * probit(q));
    }
  }
  return k;
}

/**
 * Mean and mean square of the standardised errors per step ahead, pooling neighbouring steps
 * until at least `minSamples` are in hand (as the empirical quantiles pool them). NaN where none.
 */
export function errorMoments(errs: Float64Array[], minSamples = 50): { mean: Float64Array; meanSquare: Float64Array } {
  const h = errs.length;
  const mean = new Float64Array(h).fill(NaN);
  const meanSquare = new Float64Array(h).fill(NaN);
  for (let k = 0; k < h; k++) {
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
