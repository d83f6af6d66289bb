import { AutoModel } from './auto.js';
import { countQuantile, countVariance, errorMoments, isCounts, SMALL_COUNT } from './countQuantiles.js';
import { DoubleSeasonal } from './doubleSeasonal.js';
import { envelope, ENVELOPE_DEFAULTS, type EnvelopeOptions } from './envelope.js';
import { errorQuantiles, errorScale, levelFloorOf, standardisedErrors } from './errors.js';
import { HoltWinters } from './holtWinters.js';
import { Intermittent } from './intermittent.js';
import { Mstl } from './mstl.js';
import type { Forecast, ForecastModel, Seasons } from './model.js';
import { RobustProfile } from './robustProfile.js';
import { SeasonalNaive } from './seasonalNaive.js';

import type { ModelName } from './modelNames.js';
export { MODEL_NAMES, type ModelName } from './modelNames.js';

/** Builds a model by name. */
export function makeModel(name: ModelName, horizon: number): ForecastModel {
  switch (name) {
    case 'auto':
      return new AutoModel(horizon);
    case 'seasonal-naive':
      return new SeasonalNaive('auto');
    case 'seasonal-naive-weekly':
      return new SeasonalNaive('weekly');
    case 'seasonal-naive-daily':
      return new SeasonalNaive('daily');
    case 'holt-winters-add':
      return new HoltWinters('additive', false);
    case 'holt-winters-mul-damped':
      return new HoltWinters('multiplicative', true);
    case 'double-seasonal':
      return new DoubleSeasonal();
    case 'double-seasonal-mul':
      return new DoubleSeasonal(true);
    case 'double-seasonal-mul-days':
      return new DoubleSeasonal(true, true);
    case 'robust-profile':
      return new RobustProfile(horizon);
    case 'robust-profile-daily':
      return new RobustProfile(horizon, 'daily');
    case 'intermittent-tsb':
      return new Intermittent();
    case 'mstl':
      return new Mstl();
    case 'damped-trend':
      return new Mstl('none');
  }
}

/** Seasonal periods in steps for a step length in seconds (0 where a cycle does not fit whole steps). */
export function seasonsFor(stepS: number): Seasons {
  const daily = Math.round(86400 / stepS);
  const ok = daily >= 2 && Math.abs(daily * stepS - 86400) < 1e-6 * 86400;
  return { daily: ok ? daily : 0, weekly: ok ? daily * 7 : 0 };
}

/**
 * Forecasts `horizon` steps of a count series with quantiles — the one pure entry the CLI, the
 * simulator's policies and the live scaler all call. Quantiles are the forecast plus empirical
 * out-of-sample errors per step ahead (standardised by √(level+1)), not an assumed normal;
 * every value is clamped at zero. NaN or negative inputs (gaps) count as zero, and the notes say so.
 */
export function forecast(
  y: Float64Array,
  opts: { stepS: number; horizon: number; quantiles?: readonly number[]; model?: ModelName | ForecastModel; envelope?: Partial<EnvelopeOptions> },
): Forecast {
  const h = opts.horizon;
  const levels = [...(opts.quantiles ?? [0.5, 0.9, 0.99])].sort((a, b) => a - b);
  const notes: string[] = [];
  let clean = y;
  let bad = 0;
  for (let i = 0; i < y.length; i++) if (!(y[i] >= 0)) bad++;
  if (bad > 0) {
    clean = Float64Array.from(y, (v) => (v >= 0 ? v : 0));
    notes.push(`${bad} missing or negative values counted as 0`);
  }
  const empty = () => ({ model: 'none', mean: new Float64Array(h), quantiles: new Map(levels.map((q) => [q, new Float64Array(h)])), upper: new Float64Array(h), valid: false, notes: [...notes, 'no history: nothing to forecast from'] });
  if (clean.length === 0) return empty();
  const seasons = seasonsFor(opts.stepS);
  let model = typeof opts.model === 'object' ? opts.model : makeModel(opts.model ?? 'auto', h);
  if (clean.length < model.minHistory(seasons)) {
    notes.push(`${model.name} needs ${model.minHistory(seasons)} steps of history, got ${clean.length}: using seasonal naive`);
    model = new SeasonalNaive('auto');
  }
  const fitted = model.fit(clean, seasons);
  // Never explode: every value inside the plausibility envelope (finite, ≥ 0, no higher than the
  // history allows); a point forecast that is not finite is replaced by seasonal naive's
  const upper = envelope(clean, clean.length, seasons, h, { ...ENVELOPE_DEFAULTS, ...opts.envelope });
  let mean = fitted.forecast(h);
  if (!mean.every(Number.isFinite)) {
    notes.push(`${model.name} forecast a non-finite value: seasonal naive stands in`);
    mean = new SeasonalNaive('auto').fit(clean, seasons).forecast(h);
  }
  let clipped = 0;
  for (let k = 0; k < h; k++) {
    if (mean[k] > upper[k]) clipped++;
    mean[k] = Math.min(upper[k], Math.max(0, mean[k]));
  }
  if (clipped > 0) notes.push(`${clipped} of ${h} point forecasts above the plausibility envelope were cut to it (${model.name})`);
  // origins for the error quantiles: after a week of history when there are two, so seasonal
  // models forecast from a full state
  const minOrigin = seasons.weekly > 0 && clean.length >= 2 * seasons.weekly ? seasons.weekly : 8;
  const floor = levelFloorOf(clean);
  const counts = isCounts(clean);
  const levelsAt: number[][] | undefined = counts ? Array.from({ length: h }, () => []) : undefined;
  const errs = standardisedErrors(clean, fitted, h, Math.min(clean.length - 1, minOrigin), 240, floor, levelsAt);
  const eq = errorQuantiles(errs, levels);
  // small counts: negative-binomial quantiles with the errors' bias and variance at that level,
  // at least the variance function aμ + bμ² fitted on the small-count errors (countVariance)
  const moments = counts ? errorMoments(errs) : null;
  const vf = levelsAt ? countVariance(errs.map((e, j) => Array.from(e, (v, i) => v * errorScale(levelsAt[j][i], floor))), levelsAt) : null;
  const quantiles = new Map<number, Float64Array>();
  let prev: Float64Array | null = null;
  for (const q of levels) {
    const z = eq.get(q)!;
    const out = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      const sc = errorScale(mean[k], floor);
      let v: number;
      if (moments && mean[k] < SMALL_COUNT && Number.isFinite(moments.mean[k])) {
        const mu = Math.max(0, mean[k] + moments.mean[k] * sc);
        // the wider of the step's own error variance and the series' variance function at μ
        const own = Math.max(0, moments.meanSquare[k] - moments.mean[k] ** 2) * sc * sc;
        const variance = Math.max(own, vf ? vf.a * mean[k] + vf.b * mean[k] * mean[k] : 0);
        v = countQuantile(mu, variance, q);
      } else {
        const e = Number.isFinite(z[k]) ? z[k] : 0;
        v = mean[k] + e * sc;
      }
      v = Math.min(upper[k], Math.max(0, Number.isFinite(v) ? v : mean[k]));
      if (prev && v < prev[k]) v = prev[k]; // quantiles never cross
      out[k] = v;
    }
    quantiles.set(q, out);
    prev = out;
  }
  const name = model instanceof AutoModel && model.lastChoice ? `auto:${model.lastChoice.model}` : model.name;
  return { model: name, mean, quantiles, upper, valid: true, notes: [...notes, ...fitted.notes] };
}
