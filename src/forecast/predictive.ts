import { countQuantiles, countVariance, errorMoments, isCounts, SMALL_COUNT } from './countQuantiles.js';
import { errorQuantiles, errorScale, levelFloorOf, standardisedErrors } from './errors.js';
import type { Fitted, Seasons } from './model.js';

/**
 * The predictive distribution around a point forecast, as `forecast` builds it: empirical
 * out-of-sample errors per step ahead, standardised by √(level + 1), and on count series under
 * SMALL_COUNT a negative binomial with the errors' bias and variance (see countQuantiles.ts).
 * Learnt once from a fitted history (`learnErrors`), read at any level (`predictive`), then at
 * any point forecast (`stepQuantiles`).
 */

/** What a fitted history says about its own forecast errors. */
export interface ErrorModel {
  /** Standardised out-of-sample errors per step ahead. */
  errs: Float64Array[];
  /** The level floor of `errorScale`. */
  floor: number;
  /** The small-count errors' mean and mean square per step (count series only). */
  moments: { mean: Float64Array; meanSquare: Float64Array } | null;
  /** The small-count variance function aμ + bμ² (count series only). */
  vf: { a: number; b: number } | null;
  /**
   * What followed a forecast of (nearly) nothing: the mean and variance of the counts whose
   * out-of-sample forecast was under ½ (count series with at least 20 such; else null).
   */
  nearZero: { mean: number; variance: number } | null;
}

/** Forecasts under this count are read as "nothing", where `nearZero` applies. */
const NEAR_ZERO = 0.5;

/** Learns the error model of `fitted` on its history `y` for `h` steps ahead. */
export function learnErrors(y: Float64Array, fitted: Fitted, h: number, seasons: Seasons): ErrorModel {
  // origins for the error quantiles: after a week of history when there are two, so seasonal
  // models forecast from a full state
  const minOrigin = seasons.weekly > 0 && y.length >= 2 * seasons.weekly ? seasons.weekly : 8;
  const floor = levelFloorOf(y);
  const counts = isCounts(y);
  const levelsAt: number[][] | undefined = counts ? Array.from({ length: h }, () => []) : undefined;
  const errs = standardisedErrors(y, fitted, h, Math.min(y.length - 1, minOrigin), 240, floor, levelsAt);
  // small counts: negative-binomial quantiles with the errors' bias and variance at that level,
  // at least the variance function aμ + bμ² fitted on the small-count errors (countVariance)
  const moments = counts ? errorMoments(errs) : null;
  const raw = levelsAt ? errs.map((e, j) => Array.from(e, (v, i) => v * errorScale(levelsAt[j][i], floor))) : null;
  const vf = raw && levelsAt ? countVariance(raw, levelsAt) : null;
  return { errs, floor, moments, vf, nearZero: raw && levelsAt ? nearZeroCounts(raw, levelsAt) : null };
}

/**
 * The counts that followed forecasts under NEAR_ZERO (`raw[j][i]` an error y − ŷ, `level[j][i]`
 * its ŷ): their mean and variance, or null with fewer than 20. Why: a median-based profile of a
 * sparse count forecasts 0 where nights hold 0.3 a step, and the errors' bias, pooled over every
 * level and scaled to a forecast of 0, pulled the count's mean to 0, so every quantile was 0 and
 * each 1 or 2 at night fell outside the 90% interval (a weekday series with quiet nights:
 * 80.6% covered).
 */
function nearZeroCounts(raw: readonly number[][], level: readonly number[][]): { mean: number; variance: number } | null {
  let n = 0;
  let s = 0;
  let ss = 0;
  for (let j = 0; j < raw.length; j++) {
    for (let i = 0; i < raw[j].length; i++) {
      const l = level[j][i];
      if (!(l >= 0 && l < NEAR_ZERO)) continue;
      const y = raw[j][i] + l;
      n++;
      s += y;
      ss += y * y;
    }
  }
  if (n < 20) return null;
  const mean = s / n;
  return { mean, variance: Math.max(0, ss / n - mean * mean) };
}

/** An error model read at fixed levels. */
export interface Predictive {
  em: ErrorModel;
  /** The levels each quantile is read at (increasing). */
  readAt: readonly number[];
  /** Standardised error quantiles per level index, per step. */
  eq: Float64Array[];
}

/** Reads `em` at levels `readAt` (increasing; the calibrated levels, or the asked ones). */
export function predictive(em: ErrorModel, readAt: readonly number[]): Predictive {
  const m = errorQuantiles(em.errs, readAt);
  return { em, readAt, eq: readAt.map((q) => m.get(q)!) };
}

/**
 * The quantiles at step `k` ahead of a forecast `mean` (within [0, `upper`]), one per level of
 * `p`, into `out`: finite, in [0, upper], never crossing.
 */
export function stepQuantiles(p: Predictive, k: number, mean: number, upper: number, out: Float64Array): void {
  const { em, readAt, eq } = p;
  const L = readAt.length;
  const sc = errorScale(mean, em.floor);
  if (em.moments && mean < SMALL_COUNT && Number.isFinite(em.moments.mean[k])) {
    let mu = Math.max(0, mean + em.moments.mean[k] * sc);
    // the wider of the step's own error variance and the series' variance function at μ
    const own = Math.max(0, em.moments.meanSquare[k] - em.moments.mean[k] ** 2) * sc * sc;
    let variance = Math.max(own, em.vf ? em.vf.a * mean + em.vf.b * mean * mean : 0);
    // at least what followed a forecast of nothing before (a larger forecast does not promise
    // fewer arrivals: a floor at every small count, not a step at NEAR_ZERO)
    const z = em.nearZero;
    if (z !== null) {
      mu = Math.max(mu, z.mean);
      variance = Math.max(variance, z.variance);
    }
    countQuantiles(mu, variance, readAt, out);
  } else {
    for (let i = 0; i < L; i++) {
      const e = eq[i][k];
      out[i] = mean + (Number.isFinite(e) ? e : 0) * sc;
    }
  }
  for (let i = 0; i < L; i++) {
    let v = Math.min(upper, Math.max(0, Number.isFinite(out[i]) ? out[i] : mean));
    if (i > 0 && v < out[i - 1]) v = out[i - 1]; // quantiles never cross
    out[i] = v;
  }
}
