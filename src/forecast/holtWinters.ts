import type { Fitted, ForecastModel, Seasons } from './model.js';
import { nelderMead } from './nelderMead.js';

/** Holt–Winters smoothing parameters. */
interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

const EPS = 1e-6;

/**
 * Holt–Winters exponential smoothing with one seasonal cycle, additive or multiplicative,
 * optionally with a damped trend (Gardner & McKenzie). Parameters minimise the one-step squared
 * error (Nelder–Mead in a box); the season is the week when the history holds two, else the day.
 *
 *   additive:       ℓ = α(y − s₋ₘ) + (1−α)(ℓ₋₁ + φb₋₁),  s = γ(y − ℓ₋₁ − φb₋₁) + (1−γ)s₋ₘ
 *   multiplicative: ℓ = α(y / s₋ₘ) + (1−α)(ℓ₋₁ + φb₋₁),  s = γ(y / (ℓ₋₁ + φb₋₁)) + (1−γ)s₋ₘ
 *   trend:          b = β(ℓ − ℓ₋₁) + (1−β)φb₋₁;   ŷₜ₊ₖ = (ℓ + (φ + … + φᵏ)b) ⊕ sₜ₊ₖ₋ₘ
 */
export class HoltWinters implements ForecastModel {
  readonly name: string;
  constructor(
    private readonly seasonality: 'additive' | 'multiplicative',
    private readonly damped: boolean,
    private readonly season: 'auto' | 'daily' | 'weekly' = 'auto',
  ) {
    this.name = `holt-winters-${seasonality === 'additive' ? 'add' : 'mul'}${damped ? '-damped' : ''}${season === 'auto' ? '' : `-${season}`}`;
  }

  private period(s: Seasons, n: number): number {
    if (this.season !== 'daily' && s.weekly > 0 && n >= 2 * s.weekly) return s.weekly;
    if (this.season !== 'weekly' && s.daily > 0 && n >= 2 * s.daily) return s.daily;
    return 0;
  }

  /** Four steps: with less than two seasons of history it fits level and trend only (Holt's method) and says so. */
  minHistory(): number {
    return 4;
  }

  fit(y: Float64Array, s: Seasons): Fitted {
    const m = this.period(s, y.length);
    const notes: string[] = [];
    if (m === 0) notes.push(`${this.name}: history shorter than two seasons; fitted without seasonality`);
    // multiplicative seasonality is not fitted where levels touch zero: dividing by a level or an
    // index near zero is how a sparse series (hours of 0–40, bursts of 400) was forecast at 1.1 million
    const zero = this.seasonality === 'multiplicative' && m > 0 && touchesZero(y, s.daily > 0 ? s.daily : m);
    if (zero) notes.push(`${this.name}: levels touch zero (a day's mean under 2% of the series' mean); fitted with additive seasonality`);
    const mult = this.seasonality === 'multiplicative' && m > 0 && !zero;
    let lowLevel = Infinity;
    let highIndex = 0;
    const data = y;
    const run = (p: Params, upto: number, h: number, sse: boolean, y: Float64Array = data): { sse: number; fc: Float64Array } => {
      // Initial state from the first season(s).
      let level = 0;
      let trend = 0;
      const season = new Float64Array(Math.max(1, m));
      if (m > 0) {
        let a = 0;
        for (let i = 0; i < m; i++) a += y[i];
        a /= m;
        let b = a;
        if (upto >= 2 * m) {
          b = 0;
          for (let i = m; i < 2 * m; i++) b += y[i];
          b /= m;
        }
        trend = upto >= 2 * m ? (b - a) / m : 0;
        // seasonal indices from the first season, detrended about its middle (the classical start)
        for (let i = 0; i < m; i++) {
          const lin = a + trend * (i - (m - 1) / 2);
          season[i] = mult ? Math.max(y[i], EPS) / Math.max(lin, EPS) : y[i] - lin;
        }
        // the level at the end of the first season, from which the filter carries on
        level = Math.max(a + (trend * (m - 1)) / 2, mult ? EPS : -Infinity);
      } else {
        level = y[0];
        trend = upto > 1 ? y[1] - y[0] : 0;
      }
      const { alpha, beta, gamma, phi } = p;
      let err = 0;
      const start = m > 0 ? m : 1;
      for (let t = start; t < upto; t++) {
        const si = m > 0 ? t % m : 0;
        const sPrev = m > 0 ? season[si] : mult ? 1 : 0;
        const base = level + phi * trend;
        const yhat = mult ? base * sPrev : base + sPrev;
        const e = y[t] - yhat;
        if (sse) err += e * e;
        const lNew = mult ? alpha * (y[t] / Math.max(sPrev, EPS)) + (1 - alpha) * base : alpha * (y[t] - sPrev) + (1 - alpha) * base;
        const bNew = beta * (lNew - level) + (1 - beta) * phi * trend;
        if (m > 0) season[si] = mult ? gamma * (y[t] / Math.max(base, EPS)) + (1 - gamma) * sPrev : gamma * (y[t] - base) + (1 - gamma) * sPrev;
        if (mult && season[si] < EPS) season[si] = EPS;
        level = mult ? Math.max(lNew, EPS) : lNew;
        trend = bNew;
        if (mult && !sse) {
          if (level < lowLevel) lowLevel = level;
          if (season[si] > highIndex) highIndex = season[si];
        }
      }
      const fc = new Float64Array(h);
      let damp = 0;
      let pk = 1;
      for (let k = 0; k < h; k++) {
        pk *= phi;
        damp += pk;
        const sv = m > 0 ? season[(upto + k) % m] : mult ? 1 : 0;
        const base = level + damp * trend;
        fc[k] = Math.max(0, mult ? base * sv : base + sv);
      }
      return { sse: err, fc };
    };
    const lo = [0.001, 0, 0.001, this.damped ? 0.8 : 1];
    const hi = [0.999, 0.3, 0.999, this.damped ? 0.98 : 1];
    const toP = (x: number[]): Params => ({ alpha: x[0], beta: x[1], gamma: m > 0 ? x[2] : 0, phi: x[3] });
    const opt = nelderMead((x) => run(toP(x), y.length, 0, true).sse, [0.3, 0.01, 0.2, this.damped ? 0.95 : 1], lo, hi, 240);
    const p = toP(opt.x);
    run(p, y.length, 0, false);
    const suspect = suspicion(opt.x, hi, m > 0, mult, lowLevel, highIndex, y);
    return {
      suspect,
      forecast: (h) => run(p, y.length, h, false).fc,
      forecastFrom: (series, o, h) => run(p, o, h, false, series).fc,
      notes,
    };
  }
}

/** Whether some whole day (`m` steps) of the series has a mean under 2% of the series' mean. */
export function touchesZero(y: Float64Array, m: number): boolean {
  let total = 0;
  for (let i = 0; i < y.length; i++) total += y[i];
  const mean = total / Math.max(1, y.length);
  if (!(mean > 0)) return true;
  for (let d = 0; d + m <= y.length; d += m) {
    let s = 0;
    for (let i = d; i < d + m; i++) s += y[i];
    if (s / m < 0.02 * mean) return true;
  }
  return false;
}

/** Why a Holt–Winters fit is not to be trusted: α or γ at the upper bound, or a multiplicative level near zero / index above 10. */
function suspicion(x: number[], hi: number[], seasonal: boolean, mult: boolean, lowLevel: number, highIndex: number, y: Float64Array): string | undefined {
  if (x[0] >= hi[0] - 1e-3) return `α = ${x[0].toFixed(3)} at its bound`;
  if (seasonal && x[2] >= hi[2] - 1e-3) return `γ = ${x[2].toFixed(3)} at its bound`;
  if (mult) {
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += y[i];
    mean /= Math.max(1, y.length);
    if (lowLevel < 0.01 * mean) return `level fell to ${lowLevel.toPrecision(3)} (under 1% of the mean ${mean.toPrecision(3)}): seasonal indices divided by a near-zero level`;
    if (highIndex > 10) return `a seasonal index reached ${highIndex.toPrecision(3)}`;
  }
  return undefined;
}
