import type { ModelName } from './forecast.js';
import type { Forecast } from './model.js';
import { forecast, makeModel, seasonsFor } from './forecast.js';
import { SeasonalNaive } from './seasonalNaive.js';
import { isCounts } from './countQuantiles.js';
import { PIT_LEVELS, pitCoverage } from './pit.js';

/** Accuracy of one model over a rolling-origin backtest. */
export interface BacktestScore {
  model: string;
  /** Mean absolute scaled error: MAE over the in-sample MAE of seasonal naive (weekly if a week fits). */
  mase: number;
  /** Symmetric MAPE in percent (terms with both values 0 count as 0). */
  smape: number;
  rmse: number;
  /** Pinball (quantile) loss at each level. */
  pinball: Record<string, number>;
  /**
   * Share of actual values inside the central 90% and 99% intervals. On count series (whole
   * actuals) this is the randomized-PIT coverage (Czado, Gneiting & Held 2009): the share of each
   * actual's PIT interval [F(a−1), F(a)] inside [0.05, 0.95], F read from the forecast's
   * quantiles (see `pitCoverage`); it is exactly the level when the forecast distribution is the
   * true one. Elsewhere, the plain share inside [q05, q95].
   */
  coverage90: number;
  coverage99: number;
  /**
   * The plain share of actuals with q05 ≤ a ≤ q95 (and q005 … q995). On small counts it is not a
   * calibration measure: a count of mean 0.4 is 0 two times in three, so q05 = 0 and every 0 is
   * "inside", and a true forecast covers 95–100% at 90%.
   */
  hits90: number;
  hits99: number;
  /** Mean milliseconds per fit + forecast (from the clock the caller passes in). */
  fitMs: number;
  /** Models `auto` chose, with counts. */
  chosen: Record<string, number>;
}

export { cdfFromQuantiles, PIT_LEVELS, pitCoverage } from './pit.js';

/** The rolling origins: `count` of them spaced `horizon` apart at the end of a series of `n` (those with ≥ 2 steps before them). */
export function backtestOrigins(n: number, horizon: number, count: number): number[] {
  const origins: number[] = [];
  for (let i = count; i >= 1; i--) {
    const o = n - i * horizon;
    if (o >= 2) origins.push(o);
  }
  return origins;
}

/** The period MASE's scale uses with `n` steps of history: a week when one fits, else 1 (the last value). */
export function masePeriod(n: number, stepS: number): number {
  return new SeasonalNaive('weekly').period(seasonsFor(stepS), n);
}

/** MASE's scale at an origin: the in-sample MAE of seasonal naive at `masePeriod` on `train` (1 when that is 0). */
export function maseScale(train: Float64Array, stepS: number): number {
  const o = train.length;
  const m = masePeriod(o, stepS);
  let scale = 0;
  for (let t = m; t < o; t++) scale += Math.abs(train[t] - train[t - m]);
  scale = o > m ? scale / (o - m) : 1;
  return scale > 0 ? scale : 1;
}

/** One model's running scores over the origins (sums in origin order, as before). */
class Scores {
  private absScaled = 0;
  private smape = 0;
  private sq = 0;
  private count = 0;
  private in90 = 0;
  private in99 = 0;
  private hit90 = 0;
  private hit99 = 0;
  private readonly qs = new Float64Array(PIT_LEVELS.length);
  private readonly pin: Record<string, number> = Object.fromEntries([0.5, 0.9, 0.99].map((q) => [String(q), 0]));
  private ms = 0;
  private fits = 0;
  private readonly chosen: Record<string, number> = {};

  constructor(
    private readonly model: ModelName,
    private readonly counts: boolean,
  ) {}

  /** Scores forecast `f` of `h` steps, made at origin `o` of `y` (`scale`: MASE's there) in `ms` milliseconds. */
  add(f: Forecast, y: Float64Array, o: number, h: number, scale: number, ms: number): void {
    this.ms += ms;
    this.fits++;
    this.chosen[f.model] = (this.chosen[f.model] ?? 0) + 1;
    const n = y.length;
    for (let k = 0; k < h && o + k < n; k++) {
      const a = y[o + k];
      const p = f.mean[k];
      this.absScaled += Math.abs(a - p) / scale;
      this.smape += a + p > 0 ? (200 * Math.abs(a - p)) / (Math.abs(a) + Math.abs(p)) : 0;
      this.sq += (a - p) ** 2;
      const q = (l: number) => f.quantiles.get(l)![k];
      if (a >= q(0.05) && a <= q(0.95)) this.hit90++;
      if (a >= q(0.005) && a <= q(0.995)) this.hit99++;
      if (this.counts) {
        PIT_LEVELS.forEach((l, i) => (this.qs[i] = q(l)));
        this.in90 += pitCoverage(PIT_LEVELS, this.qs, a, 0.1);
        this.in99 += pitCoverage(PIT_LEVELS, this.qs, a, 0.01);
      }
      for (const l of [0.5, 0.9, 0.99]) {
        const d = a - q(l);
        this.pin[String(l)] += d >= 0 ? l * d : (l - 1) * d;
      }
      this.count++;
    }
  }

  result(): BacktestScore {
    const count = this.count;
    const pin = this.pin;
    for (const l of Object.keys(pin)) pin[l] /= Math.max(1, count);
    return {
      model: this.model,
      mase: this.absScaled / count,
      smape: this.smape / count,
      rmse: Math.sqrt(this.sq / count),
      pinball: pin,
      coverage90: (this.counts ? this.in90 : this.hit90) / count,
      coverage99: (this.counts ? this.in99 : this.hit99) / count,
      hits90: this.hit90 / count,
      hits99: this.hit99 / count,
      fitMs: this.ms / Math.max(1, this.fits),
      chosen: this.chosen,
    };
  }
}

/**
 * Rolling-origin evaluation: for each of `origins` origins spaced `horizon` apart at the end of
 * the series, every model is refitted on the data before the origin and forecasts `horizon`
 * steps, scored against what happened. Pure but for `clock`, which the CLI passes in to time fits,
 * and `onOrigin(done, total)`, called after each origin's fits, for progress: origins go in order
 * and every model is fitted at each, so each unit of progress costs about the same (later
 * origins a little more: more history).
 */
export function backtest(
  y: Float64Array,
  opts: { stepS: number; horizon: number; origins: number; models: readonly ModelName[] },
  clock: () => number = () => 0,
  onOrigin: (done: number, total: number) => void = () => {},
): BacktestScore[] {
  const h = opts.horizon;
  const origins = backtestOrigins(y.length, h, opts.origins);
  const counts = isCounts(y);
  const scores = opts.models.map((name) => new Scores(name, counts));
  origins.forEach((o, i) => {
    const train = y.subarray(0, o);
    const scale = maseScale(train, opts.stepS);
    opts.models.forEach((name, m) => {
      const t0 = clock();
      const f = forecast(train, { stepS: opts.stepS, horizon: h, quantiles: PIT_LEVELS, model: makeModel(name, h) });
      scores[m].add(f, y, o, h, scale, clock() - t0);
    });
    onOrigin(i + 1, origins.length);
  });
  return scores.map((s) => s.result());
}
