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
}

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
  const vf = levelsAt ? countVariance(errs.map((e, j) => Array.from(e, (v, i) => v * errorScale(levelsAt[j][i], floor))), levelsAt) : null;
  return { errs, floor, moments, vf };
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
    const mu = Math.max(0, mean + em.moments.mean[k] * sc);
    // the wider of the step's own error variance and the series' variance function at μ
    const own = Math.max(0, em.moments.meanSquare[k] - em.moments.mean[k] ** 2) * sc * sc;
    const variance = Math.max(own, em.vf ? em.vf.a * mean + em.vf.b * mean * mean : 0);
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
