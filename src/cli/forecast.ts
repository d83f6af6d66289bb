import { UserError } from '../errors.js';
import { formatDuration } from '../scenario/units.js';
import { forecast, MODEL_NAMES, type ModelName } from '../forecast/forecast.js';
import type { Forecast } from '../forecast/model.js';
import { atIndex, checkSteps, durationFlag, loadCounts, MAX_FORECAST_STEPS, quantilesFlag, timeAt } from './series.js';
import { droppedTailNote, type CountSeries } from '../forecast/series.js';

/** Options of `tidecast forecast` as commander hands them over. */
export interface ForecastFlags {
  step: string;
  horizon: string;
  at?: string;
  quantiles?: string;
  format?: string;
  model?: string;
  traceFormat?: string;
  timeColumn?: string;
  countColumn?: string;
}

/** Validates a model name. */
export function modelFlag(v: string | undefined): ModelName {
  const m = (v ?? 'auto') as ModelName;
  if (!MODEL_NAMES.includes(m)) throw new UserError(`--model: expected one of ${MODEL_NAMES.join(', ')}, got "${v}"`);
  return m;
}

/** Loads the trace, cuts it at --at and forecasts. */
export function runForecast(file: string, f: ForecastFlags, extraLevels: number[] = []): { series: CountSeries; at: number; levels: number[]; fc: Forecast; horizon: number; notes: string[] } {
  const stepS = durationFlag('--step', f.step);
  const horizonS = durationFlag('--horizon', f.horizon);
  const horizon = Math.max(1, Math.round(horizonS / stepS));
  const levels = quantilesFlag(f.quantiles ?? '0.5,0.9,0.99');
  const format = (f.traceFormat ?? 'auto') as 'auto';
  checkSteps(`a ${f.horizon} horizon`, horizon, stepS, MAX_FORECAST_STEPS);
  // whole steps only: a partial last step would read as a collapse (said in the notes)
  const series = loadCounts(file, stepS, format, true, f);
  const at = atIndex(series, f.at);
  checkSteps(`forecasting from ${formatDuration(at * stepS)} of history`, at, stepS, MAX_FORECAST_STEPS);
  const all = [...new Set([...levels, ...extraLevels])].sort((a, b) => a - b);
  const fc = forecast(series.counts.subarray(0, at), { stepS, horizon, quantiles: all, model: modelFlag(f.model) });
  const cut = droppedTailNote(series);
  return { series, at, levels, fc, horizon, notes: [...(cut ? [`${file}: ${cut}`] : []), ...fc.notes.map((n) => `forecast: ${n}`)] };
}

/** `tidecast forecast`: CSV `time,mean,p50,p90,p99` (one row per step from --at on) or JSON. */
export function forecastAction(file: string, f: ForecastFlags): { stdout: string; notes: string[] } {
  const format = f.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UserError(`--format: expected "csv" or "json", got "${format}"`);
  const { series, at, levels, fc, horizon, notes } = runForecast(file, f);
  const name = (q: number) => `p${+(q * 100).toFixed(4)}`;
  if (format === 'json') {
    const rows = Array.from({ length: horizon }, (_, k) => ({
      time: timeAt(series, at + k),
      mean: fc.mean[k],
      ...Object.fromEntries(levels.map((q) => [name(q), fc.quantiles.get(q)![k]])),
    }));
    return { stdout: JSON.stringify({ model: fc.model, valid: fc.valid, stepS: series.stepS, notes: fc.notes, rows }, null, 2) + '\n', notes };
  }
  const lines = [['time', 'mean', ...levels.map(name)].join(',')];
  for (let k = 0; k < horizon; k++) lines.push([timeAt(series, at + k), r(fc.mean[k]), ...levels.map((q) => r(fc.quantiles.get(q)![k]))].join(','));
  return { stdout: lines.join('\n') + '\n', notes };
}

function r(x: number): string {
  return String(Number(x.toFixed(4)));
}
