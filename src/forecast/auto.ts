import { DoubleSeasonal } from './doubleSeasonal.js';
import { HoltWinters } from './holtWinters.js';
import { Aggregated } from './aggregated.js';
import type { Fitted, ForecastModel, Seasons } from './model.js';
import { SeasonalNaive } from './seasonalNaive.js';

/**
 * The models `auto` chooses from, simplest first. For steps finer than 15 minutes (more than 96
 * a day), the seasonal models are fitted on 15-minute sums (temporal aggregation).
 */
export function candidates(s: Seasons): ForecastModel[] {
  const base: ForecastModel[] = [new HoltWinters('additive', false), new HoltWinters('multiplicative', true), new DoubleSeasonal(), new DoubleSeasonal(true), new DoubleSeasonal(true, true)];
  const factor = s.daily > 96 ? largestDivisorAtMost(s.daily, s.daily / 96) : 1;
  const seasonal = factor > 1 ? [...base.map((m) => new Aggregated(m, factor)), ...base] : base;
  return [new SeasonalNaive('auto'), ...seasonal];
}

function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.floor(limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/**
 * Chooses and combines models by rolling-origin validation on the history itself: each
 * candidate that can fit is fitted on all but the last `validation` steps and forecasts `h`
 * ahead from origins across that holdout (fixed parameters, state updated with the data before
 * each origin); the best (up to three within 15% of the lowest mean absolute error) are refitted
 * on the whole history and averaged. With too short a history for validation, the simplest
 * model that fits stands in, and the notes say so.
 */
export class AutoModel implements ForecastModel {
  readonly name = 'auto';
  /** The model chosen at the last fit, and the validation MAE of each candidate. */
  lastChoice: { model: string; mae: Record<string, number> } | null = null;

  constructor(private readonly horizon: number, private readonly pool?: ForecastModel[]) {}

  minHistory(): number {
    return 1;
  }

  fit(y: Float64Array, s: Seasons): Fitted {
    const n = y.length;
    const h = Math.max(1, this.horizon);
    const validation = Math.min(Math.max(2 * h, s.daily > 0 ? s.daily * 2 : 2 * h), Math.floor(n / 3));
    const train = y.subarray(0, n - validation);
    const mae: Record<string, number> = {};
    let best: ForecastModel | null = null;
    let bestMae = Infinity;
    const pool = this.pool ?? candidates(s);
    if (validation >= h) {
      for (const m of pool) {
        if (train.length < m.minHistory(s)) continue;
        const f = m.fit(train, s);
        let sum = 0;
        let count = 0;
        const stride = Math.max(1, Math.floor(h / 2));
        for (let o = n - validation; o + h <= n; o += stride) {
          const fc = f.forecastFrom(y, o, h);
          for (let k = 0; k < h; k++) sum += Math.abs(y[o + k] - fc[k]);
          count += h;
        }
        mae[m.name] = sum / count;
        if (sum / count < bestMae - 1e-12) {
          bestMae = sum / count;
          best = m;
        }
      }
    }
    const notes: string[] = [];
    if (!best) {
      best = pool.filter((m) => n >= m.minHistory(s)).at(0) ?? pool[0];
      notes.push(`history of ${n} steps is too short to validate models; using ${best.name}`);
      this.lastChoice = { model: best.name, mae };
      const fitted = best.fit(y, s);
      return { ...fitted, notes: [...notes, ...fitted.notes] };
    }
    // Combine: the equal-weight mean of the best models by validation error (up to three, each
    // within 15% of the best). Averaging models that err differently beats picking one; a
    // candidate far behind the best only adds its error.
    const ranked = Object.entries(mae)
      .filter(([, e]) => Number.isFinite(e))
      .sort((a, b) => a[1] - b[1])
      .filter(([, e], i) => i === 0 || e <= bestMae * 1.15)
      .slice(0, 3)
      .map(([name]) => pool.find((m) => m.name === name)!);
    const fits = ranked.map((m) => m.fit(y, s));
    const label = ranked.map((m) => m.name).join('+');
    this.lastChoice = { model: label, mae };
    const avg = (parts: Float64Array[]) => {
      const out = new Float64Array(parts[0].length);
      for (const p of parts) for (let k = 0; k < out.length; k++) out[k] += p[k] / parts.length;
      return out;
    };
    return {
      forecast: (h) => avg(fits.map((f) => f.forecast(h))),
      forecastFrom: (series, o, h) => avg(fits.map((f) => f.forecastFrom(series, o, h))),
      notes: [...notes, ...fits.flatMap((f) => f.notes), `auto: ${ranked.length > 1 ? `mean of ${label}` : label}`],
    };
  }
}
