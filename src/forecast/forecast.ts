import { AutoModel } from './auto.js';
import { holdoutFit, levelMap } from './calibrate.js';
import { DoubleSeasonal } from './doubleSeasonal.js';
import { envelope, ENVELOPE_DEFAULTS, type EnvelopeOptions } from './envelope.js';
import { HoltWinters } from './holtWinters.js';
import { Intermittent } from './intermittent.js';
import { Mstl } from './mstl.js';
import type { Forecast, ForecastModel, Seasons } from './model.js';
import { learnErrors, predictive, stepQuantiles } from './predictive.js';
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
  const envOpts: EnvelopeOptions = { ...ENVELOPE_DEFAULTS, ...opts.envelope };
  const upper = envelope(clean, clean.length, seasons, h, envOpts);
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
  // quantiles from the fit's own out-of-sample errors, read at levels calibrated on a holdout
  // (see calibrate.ts): the fit on the history before it, scored on what followed
  const em = learnErrors(clean, fitted, h, seasons);
  const holdout = fitted.holdout !== undefined ? fitted.holdout : holdoutFit(model, clean, seasons, h);
  const map = holdout ? levelMap(clean, holdout, h, seasons, envOpts, em) : null;
  const p = predictive(em, map ? levels.map(map) : levels);
  const quantiles = new Map<number, Float64Array>(levels.map((q) => [q, new Float64Array(h)]));
  const cols = levels.map((q) => quantiles.get(q)!);
  const row = new Float64Array(levels.length);
  // where no level reached far enough on the holdout, the distances are stretched (calibrate.ts)
  const stretch = levels.map((q) => (map ? map.stretch(q) : 1));
  for (let k = 0; k < h; k++) {
    stepQuantiles(p, k, mean[k], upper[k], row);
    for (let i = 0; i < levels.length; i++) {
      let v = stretch[i] > 1 ? Math.min(upper[k], Math.max(0, mean[k] + (row[i] - mean[k]) * stretch[i])) : row[i];
      if (i > 0 && v < cols[i - 1][k]) v = cols[i - 1][k];
      cols[i][k] = v;
    }
  }
  const name = model instanceof AutoModel && model.lastChoice ? `auto:${model.lastChoice.model}` : model.name;
  return { model: name, mean, quantiles, upper, valid: true, notes: [...notes, ...fitted.notes] };
}
