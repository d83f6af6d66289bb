import { poisson } from '../random/poisson.js';
import { Rng } from '../random/rng.js';

/**
 * Sparse, bursty validation series built from real traffic, seeded. No real multi-week trace of
 * sparse LLM traffic ships with tidecast, so the forecaster is checked on two kinds made from the
 * real Azure traces: thinned ones (each request kept with a probability, which keeps the
 * burstiness and lowers the counts) and multi-week tiled ones (the real 10-s burst structure
 * re-sampled in blocks onto a daily × weekly tide).
 */

/** Counts per whole step of per-request times (seconds from the trace's start) with each request kept with probability `keep`; a partial last step is left out. */
export function thinnedCounts(timesS: ArrayLike<number>, spanS: number, stepS: number, keep: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  // whole steps only, as the forecaster loads traces: a partial last step would read as a collapse
  const n = Math.max(1, Math.floor(spanS / stepS + 1e-9));
  const out = new Float64Array(n);
  for (let i = 0; i < timesS.length; i++) {
    const j = Math.floor(timesS[i] / stepS);
    if (rng.next() < keep && j < n) out[j]++;
  }
  return out;
}

/** A tiled series' shape. */
export interface TiledSpec {
  days: number;
  stepS: number;
  /** Mean arrivals per step at the daily peak and trough (weekdays). */
  peak: number;
  trough: number;
  /** Weekend days' level relative to weekdays. */
  weekend: number;
  /** Blocks of the burst source copied in order (steps). */
  block: number;
  seed: number;
}

/**
 * Poisson counts of a tide times real burst multipliers: each step's mean is a daily sinusoid
 * (peak at 14:00) scaled on weekends, times the next value of the real 10-s counts divided by
 * their mean (many zeros, bursts of 3–5× on the code trace), read in blocks of `block` values
 * from random places in the real series. So the hours (or minutes) of the result are as bursty
 * as the real trace's 10-s steps, on a tide the real hour does not show.
 */
export function tiledCounts(burstSource: Float64Array, spec: TiledSpec): Float64Array {
  const rng = new Rng(spec.seed);
  let mean = 0;
  for (const v of burstSource) mean += v;
  mean /= burstSource.length;
  const n = Math.round((spec.days * 86400) / spec.stepS);
  const out = new Float64Array(n);
  let pos = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    if (left === 0) {
      pos = Math.floor(rng.next() * Math.max(1, burstSource.length - spec.block));
      left = spec.block;
    }
    const b = mean > 0 ? burstSource[Math.min(burstSource.length - 1, pos++)] / mean : 1;
    left--;
    const t = i * spec.stepS;
    const day = Math.floor(t / 86400) % 7;
    const phase = ((t % 86400) / 86400) * 2 * Math.PI;
    const tide = spec.trough + ((spec.peak - spec.trough) * (1 + Math.cos(phase - (14 / 24) * 2 * Math.PI))) / 2;
    out[i] = poisson(tide * (day >= 5 ? spec.weekend : 1) * b, rng);
  }
  return out;
}
