import type { Fitted, ForecastModel, Seasons } from './model.js';
import { nelderMead } from './nelderMead.js';

/**
 * Taylor's double-seasonal Holt–Winters (Taylor 2003) for series with a daily and a weekly
 * cycle, additive, with the first-order autocorrelation adjustment of its one-step errors:
 *
 *   ℓ = α(y − d₋ₘ₁ − w₋ₘ₂) + (1−α)ℓ₋₁
 *   d = δ(y − ℓ₋₁ − w₋ₘ₂) + (1−δ)d₋ₘ₁
 *   w = ω(y − ℓ₋₁ − d₋ₘ₁) + (1−ω)w₋ₘ₂
 *   ŷₜ₊ₖ = ℓ + dₜ₊ₖ₋ₘ₁ + wₜ₊ₖ₋ₘ₂ + φᵏ·eₜ
 *
 * The daily cycle is shared by all days and the weekly component carries what differs between
 * days (weekends), so a new day's shape is learnt from every day, not once a week.
 */
export class DoubleSeasonal implements ForecastModel {
  readonly name = 'double-seasonal';

  minHistory(s: Seasons): number {
    // the first week initialises the state; two more days let the parameters be fitted
    return s.weekly > 0 ? s.weekly + 2 * s.daily : Infinity;
  }

  fit(y: Float64Array, s: Seasons): Fitted {
    const m1 = s.daily;
    const m2 = s.weekly;
    const data = y;
    const run = (x: number[], upto: number, h: number, sse: boolean, y: Float64Array = data) => {
      const [alpha, delta, omega, phi] = x;
      // Initial state from the first week: level = its mean, d = mean daily profile, w = the rest.
      let level = 0;
      for (let i = 0; i < m2; i++) level += y[i];
      level /= m2;
      const d = new Float64Array(m1);
      const days = m2 / m1;
      for (let i = 0; i < m2; i++) d[i % m1] += (y[i] - level) / days;
      const w = new Float64Array(m2);
      for (let i = 0; i < m2; i++) w[i] = y[i] - level - d[i % m1];
      let e = 0;
      let err = 0;
      for (let t = m2; t < upto; t++) {
        const i1 = t % m1;
        const i2 = t % m2;
        const yhat = level + d[i1] + w[i2] + phi * e;
        const et = y[t] - (level + d[i1] + w[i2]);
        if (sse) {
          const r = y[t] - yhat;
          err += r * r;
        }
        const lNew = alpha * (y[t] - d[i1] - w[i2]) + (1 - alpha) * level;
        const dNew = delta * (y[t] - level - w[i2]) + (1 - delta) * d[i1];
        const wNew = omega * (y[t] - level - d[i1]) + (1 - omega) * w[i2];
        level = lNew;
        d[i1] = dNew;
        w[i2] = wNew;
        e = et;
      }
      const fc = new Float64Array(h);
      let pk = 1;
      for (let k = 0; k < h; k++) {
        pk *= phi;
        fc[k] = Math.max(0, level + d[(upto + k) % m1] + w[(upto + k) % m2] + pk * e);
      }
      return { err, fc };
    };
    const opt = nelderMead((x) => run(x, y.length, 0, true).err, [0.1, 0.2, 0.2, 0.5], [0.001, 0.001, 0.001, 0], [0.999, 0.999, 0.999, 0.99], 240);
    return { forecast: (h) => run(opt.x, y.length, h, false).fc, forecastFrom: (series, o, h) => run(opt.x, o, h, false, series).fc, notes: [] };
  }
}
