import { Normal } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import type { TidalSpec } from '../scenario/schema.js';

/** A piecewise-constant rate curve: `ratesPerS[i]` holds over [i·stepS, (i+1)·stepS). */
export interface RateCurve {
  stepS: number;
  ratesPerS: Float64Array;
}

/**
 * The tidal synthetic traffic curve: a daily cosine between trough and peak (peak at `peakAt`
 * into the day), times a weekly multiplier for the day, times compound growth per day, times
 * mean-one log-normal noise per step, times a factor during random bursts (a Poisson process of
 * bursts of fixed length). Seeded: the same rng state gives the same curve.
 *
 *   rate(t) = (trough + (peak − trough)·(1 + cos(2π(tod − peakAt)/period))/2) · weekly[day] · (1+growth)^days · noise · burst
 */
export function tidalRateCurve(spec: TidalSpec, horizonS: number, rng: Rng): RateCurve {
  const stepS = spec.step;
  const n = Math.max(1, Math.ceil(horizonS / stepS));
  const rates = new Float64Array(n);
  const normal = new Normal(rng);
  const sigma = spec.noise;
  const burstFactor = new Float64Array(n).fill(1);
  if (spec.bursts) {
    // Burst starts form a Poisson process; each lifts the rate for its duration.
    // Starts come in time order, so each step is lifted once however much bursts overlap.
    let t = -Math.log(rng.next()) / spec.bursts.rate;
    let lifted = 0;
    while (t < n * stepS) {
      const from = Math.max(lifted, Math.floor(t / stepS));
      const to = Math.min(n, Math.ceil((t + spec.bursts.duration) / stepS));
      for (let i = from; i < to; i++) burstFactor[i] = spec.bursts.factor;
      if (to > lifted) lifted = to;
      t += -Math.log(rng.next()) / spec.bursts.rate;
    }
  }
  for (let i = 0; i < n; i++) {
    const mid = (i + 0.5) * stepS;
    rates[i] = tidalRate(spec, mid) * burstFactor[i] * (sigma > 0 ? Math.exp(sigma * normal.sample() - (sigma * sigma) / 2) : 1);
  }
  return { stepS, ratesPerS: rates };
}

/** The deterministic part of the tidal curve at simulated time `tS` (no noise, no bursts). */
export function tidalRate(spec: TidalSpec, tS: number): number {
  const clock = spec.startAt + tS;
  const tod = ((clock % spec.period) + spec.period) % spec.period;
  const shape = (1 + Math.cos((2 * Math.PI * (tod - spec.peakAt)) / spec.period)) / 2;
  const base = spec.trough + (spec.peak - spec.trough) * shape;
  const day = Math.floor(clock / spec.period);
  const weekly = spec.weekly ? spec.weekly[((day % 7) + 7) % 7] : 1;
  const growth = spec.growth !== 0 ? Math.pow(1 + spec.growth, tS / 86400) : 1;
  return base * weekly * growth;
}
