import type { Seasons } from './model.js';
import { isCounts } from './countQuantiles.js';

/** How far a forecast may go beyond what the history has shown. */
export interface EnvelopeOptions {
  /** A step may reach this multiple of the highest value seen at its seasonal phase (±1 step) in the recent cycles. */
  phaseMultiple: number;
  /** …or this multiple of the highest value seen anywhere in the recent cycles, whichever is higher. */
  recentMultiple: number;
  /** Growth allowed per cycle ahead: the last cycle's mean over the one before, clamped to [1, this]. */
  maxGrowthPerCycle: number;
  /** Recent cycles looked at (the longest season that fits, else the whole history up to 4 weeks of steps). */
  cycles: number;
}

/** Defaults: 3× the phase's recent high, 1.5× the recent high, growth up to 2× per cycle, 4 cycles. */
export const ENVELOPE_DEFAULTS: EnvelopeOptions = { phaseMultiple: 3, recentMultiple: 1.5, maxGrowthPerCycle: 2, cycles: 4 };

/**
 * The plausibility envelope of a forecast from origin `o` of `y` (using y[0..o) only): the
 * highest value each of the `h` steps ahead may take. The issue that asked for it: a
 * multiplicative Holt–Winters fit on a sparse hourly series (0–40 between bursts of 300–440)
 * forecast 1,098,660 in an hour. Here no step may exceed
 *
 *   growth^(cycles ahead, at most 2) × max(phaseMultiple × phase high, recentMultiple × recent high) + slack,
 *
 * where the phase high is the highest value at the same phase of the longest season that fits
 * (±1 step, over the last `cycles` cycles), the recent high the highest of those cycles, growth
 * the last cycle's mean over the previous one's (in [1, maxGrowthPerCycle]), and slack, for
 * count series only (every value a whole number), 3 + 3√(recent high): Poisson room, so a mean of
 * 1 may still have a 99.5% quantile of 4. The lower bound is 0.
 */
export function envelope(y: Float64Array, o: number, s: Seasons, h: number, opts: EnvelopeOptions = ENVELOPE_DEFAULTS): Float64Array {
  const out = new Float64Array(h);
  if (o <= 0) return out;
  const m = s.weekly > 0 && o >= s.weekly ? s.weekly : s.daily > 0 && o >= s.daily ? s.daily : 0;
  const span = m > 0 ? Math.min(o, opts.cycles * m) : Math.min(o, 4 * 7 * 24 * 60);
  let recentHigh = 0;
  for (let t = o - span; t < o; t++) if (y[t] > recentHigh) recentHigh = y[t];
  // growth per cycle (per half of the window when there is no season)
  const g = growth(y, o, m > 0 && o >= 2 * m ? m : Math.floor(span / 2), opts.maxGrowthPerCycle);
  const cycle = m > 0 ? m : Math.max(1, Math.floor(span / 2));
  const slack = isCounts(y.subarray(o - span, o)) ? 3 + 3 * Math.sqrt(recentHigh) : 0;
  for (let k = 0; k < h; k++) {
    let phaseHigh = 0;
    if (m > 0) {
      for (let c = 1; c <= opts.cycles; c++) {
        // the step at this phase c cycles back from the first cycle ahead holding it
        const base = o + k - Math.ceil((k + 1) / m) * m - (c - 1) * m;
        if (base + 1 < 0) break;
        for (let d = -1; d <= 1; d++) {
          const t = base + d; // neighbouring phases are the neighbouring steps
          if (t >= 0 && t < o && y[t] > phaseHigh) phaseHigh = y[t];
        }
      }
    }
    // growth compounds for at most two cycles: beyond that no history vouches for it
    const ahead = Math.min(2, Math.ceil((k + 1) / cycle));
    out[k] = Math.pow(g, ahead) * Math.max(opts.phaseMultiple * phaseHigh, opts.recentMultiple * recentHigh) + slack;
  }
  return out;
}

function growth(y: Float64Array, o: number, m: number, max: number): number {
  if (m < 1 || o < 2 * m) return 1;
  let last = 0;
  let prev = 0;
  for (let t = o - m; t < o; t++) last += y[t];
  for (let t = o - 2 * m; t < o - m; t++) prev += y[t];
  if (!(prev > 0)) return 1;
  return Math.min(max, Math.max(1, last / prev));
}

/** Whether any value of `fc` is non-finite, negative or above `upper` (with a relative tolerance of 1e-9). */
export function leaves(fc: Float64Array, upper: Float64Array): boolean {
  for (let k = 0; k < fc.length; k++) {
    const v = fc[k];
    if (!Number.isFinite(v) || v < 0 || v > upper[k] * (1 + 1e-9)) return true;
  }
  return false;
}
