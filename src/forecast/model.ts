/**
 * The forecaster family: every model fits a regular series of counts per step the same way and
 * forecasts the same shape. Models are pure: data in, numbers out, no clock, no I/O.
 */

/** Seasonal periods of a series, in steps (e.g. 24 and 168 for hourly data). */
export interface Seasons {
  /** The daily period in steps (0 when the step is a day or longer). */
  daily: number;
  /** The weekly period in steps (0 when there is no room for it). */
  weekly: number;
}

/** A model fitted to a history: it forecasts point values from the end of the history, or from any earlier origin. */
export interface Fitted {
  /** Point forecasts for steps n, n+1, … n+h−1 (n = history length). */
  forecast(h: number): Float64Array;
  /**
   * Point forecasts from origin o of a series `y` (the fitted history or a longer one), using
   * only y[0..o) and the fitted parameters: steps o … o+h−1. Used for out-of-sample errors and
   * validation without refitting at every origin.
   */
  forecastFrom(y: Float64Array, o: number, h: number): Float64Array;
  /** Why a simpler model stood in, or anything else the user should know. */
  notes: string[];
  /**
   * Why this fit should not be trusted, when it should not: its parameters sit at a bound, or a
   * multiplicative index was divided by a near-zero level. `auto` drops such a candidate, with a note.
   */
  suspect?: string;
  /**
   * The same model fitted on the history before step `from` only, for calibrating the intervals on
   * what followed (see calibrate.ts); null when there is none (too short a history). When absent,
   * `forecast` fits the model on that part itself.
   */
  holdout?: Holdout | null;
}

/** A fit on y[0..from) of a longer history. */
export interface Holdout {
  from: number;
  fitted: Fitted;
}

/** A forecasting model. */
export interface ForecastModel {
  readonly name: string;
  /** The shortest history (in steps) the model can fit for these seasons. */
  minHistory(s: Seasons): number;
  /** Fits the model to `y` (counts per step, non-negative, no NaN). */
  fit(y: Float64Array, s: Seasons): Fitted;
}

/** A forecast: mean and quantiles per step ahead, never below zero. */
export interface Forecast {
  model: string;
  mean: Float64Array;
  /** Quantile level → values per step ahead. */
  quantiles: Map<number, Float64Array>;
  /** The plausibility envelope: the highest value each step may take (see `envelope`); mean and quantiles stay within it. */
  upper: Float64Array;
  /** False when there was no history to forecast from (everything is 0 then). */
  valid: boolean;
  notes: string[];
}
