import type { Fitted, ForecastModel } from './model.js';

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.4];
const BETAS = [0.01, 0.02, 0.05, 0.1, 0.2];

/**
 * Intermittent demand (Teunter, Syntetos & Babai 2011, "TSB"): the probability that a step
 * holds any arrivals, p, and the size of a non-empty step, z, are smoothed separately —
 * p ← p + β(1[y>0] − p) every step, z ← z + α(y − z) on non-empty steps — and the forecast is p·z,
 * flat. Unlike Croston's method it lets p decay through a run of zeros, so a series that has gone
 * quiet forecasts less and less. α and β come from a 5 × 5 grid by one-step squared error (no
 * bounds to sit at, no division: p·z is a mean of past values). Non-seasonal: for the stretches
 * of zeros between bursts, where seasonal models have nothing to learn from.
 */
export class Intermittent implements ForecastModel {
  readonly name = 'intermittent-tsb';

  minHistory(): number {
    return 2;
  }

  fit(y: Float64Array): Fitted {
    let best = [0.1, 0.05];
    let bestErr = Infinity;
    for (const a of ALPHAS) {
      for (const b of BETAS) {
        const err = run(y, y.length, a, b).sse;
        if (err < bestErr - 1e-12) {
          bestErr = err;
          best = [a, b];
        }
      }
    }
    const [a, b] = best;
    const from = (series: Float64Array, o: number, h: number) => new Float64Array(h).fill(run(series, o, a, b).level);
    return { forecast: (h) => from(y, y.length, h), forecastFrom: from, notes: [] };
  }
}

/** Runs the TSB filter over y[0..o): the forecast p·z after it, and the one-step squared error on the way. */
function run(y: Float64Array, o: number, a: number, b: number): { level: number; sse: number } {
  if (o <= 0) return { level: 0, sse: 0 };
  // initial state from the first (up to) 12 steps
  const w = Math.min(o, 12);
  let nz = 0;
  let sum = 0;
  for (let i = 0; i < w; i++) {
    if (y[i] > 0) {
      nz++;
      sum += y[i];
    }
  }
  let p = (nz + 0.5) / (w + 1);
  let z = nz > 0 ? sum / nz : 0;
  let sse = 0;
  for (let t = 0; t < o; t++) {
    const e = y[t] - p * z;
    sse += e * e;
    if (y[t] > 0) {
      p += b * (1 - p);
      z += a * (y[t] - z);
    } else p -= b * p;
  }
  return { level: p * z, sse };
}
