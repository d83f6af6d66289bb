/**
 * Don't believe nonsense: a value many times beyond anything the history holds is not data until
 * later reads confirm it. Pure: the scaler passes what it read and a reference level.
 *
 * A run of fewer than `confirm` values above `factor` × the reference that later values (lower
 * again) end is a transient — a broken exporter, a unit slip, a 12-second burst of 1e9–1e15 claims/s — and is
 * dropped for good (NaN: never merged into the history, re-dropped when re-read). A run still going
 * at the newest interval is held back (NaN, the decision holds its target) until it is `confirm`
 * intervals long; then it is a real new level and is let through.
 */
export interface ScreenLimits {
  /** A value above `factor` × the reference is suspect. */
  factor: number;
  /** Intervals a suspect level must last (to the newest) before it is believed. */
  confirm: number;
  /** Reference floor (arrivals per interval): a near-empty history does not make every first burst suspect. */
  minReference: number;
  /**
   * Arrivals per interval above which a value is never data, confirmed or not: the pool sizing's
   * work grows with the load (Erlang-loss at 1e4 claims/s × 30 s: ~0.3 s; at 1e5/s: ~3.6 s).
   */
  maxValue?: number;
}

export interface ScreenResult {
  /** Values dropped for good (transients) in this read. */
  dropped: number;
  /** Values held back at the newest end, awaiting confirmation (0 when none). */
  held: number;
}

/**
 * Screens `read` in place against `reference` (arrivals per interval: the largest value the
 * history holds; NaN when there is none, then the read's own 99th percentile).
 */
export function screen(read: Float64Array, reference: number, L: ScreenLimits): ScreenResult {
  const ref = Math.max(Number.isFinite(reference) ? reference : quantile99(read), L.minReference);
  const limit = L.factor * ref;
  let dropped = 0;
  let held = 0;
  const cap = L.maxValue ?? Infinity;
  // over the cap at the newest end: held (the decision holds its target), though it will never be data
  let capTrail = 0;
  let tail = read.length; // the newest values that are over the cap or missing
  while (tail > 0 && (read[tail - 1] > cap || Number.isNaN(read[tail - 1]))) if (read[--tail] > cap) capTrail++;
  for (let i = 0; i < read.length; i++) {
    if (read[i] > cap) {
      read[i] = NaN;
      if (i < tail) dropped++;
    }
  }
  let runStart = -1;
  let len = 0; // high values in the run (a gap inside it does not confirm it)
  for (let i = 0; i <= read.length; i++) {
    const x = i < read.length ? read[i] : NaN;
    const high = x > limit; // false for NaN: a gap neither starts nor ends a run
    if (high) {
      if (runStart < 0) runStart = i;
      len++;
      continue;
    }
    if (runStart < 0 || (i < read.length && !Number.isFinite(x))) continue;
    // the run [runStart, i) ended: by a believable value (a transient), or at the newest interval
    if (len >= L.confirm) {
      // lasted long enough to be a real level, over or not
    } else if (i < read.length) {
      for (let j = runStart; j < i; j++) read[j] = NaN;
      dropped += len;
    } else {
      for (let j = runStart; j < i; j++) read[j] = NaN;
      held = len;
    }
    runStart = -1;
    len = 0;
  }
  return { dropped, held: Math.max(held, capTrail) };
}

/** The 99th percentile of the finite, non-negative values (NaN when none). */
function quantile99(a: Float64Array): number {
  const v: number[] = [];
  for (const x of a) if (Number.isFinite(x) && x >= 0) v.push(x);
  if (v.length === 0) return NaN;
  v.sort((p, q) => p - q);
  return v[Math.min(v.length - 1, Math.floor(0.99 * v.length))];
}
