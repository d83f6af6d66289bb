import { probit } from 'simple-statistics';
import type { Fitted } from './model.js';

const FEW = 20;

/**
 * Out-of-sample forecast errors per step ahead, from origins spread over the last part of the
 * history (each forecast uses only data before its origin). Errors are standardised by
 * √(forecast + 1), as count noise grows with the level (Poisson-like), so night and day errors
 * can be pooled and rescaled to any forecast level. The level is floored at `levelFloor` (a
 * quarter of the history's mean, see `errorScale`): a burst after a forecast of zero would
 * otherwise count as an error of √burst standard units, and rescaled to a busy level blow the
 * quantiles up by orders of magnitude. `levelsOut[j]`, when given, receives each error's forecast.
 */
export function standardisedErrors(y: Float64Array, fitted: Fitted, h: number, minOrigin: number, maxOrigins = 240, levelFloor = 0, levelsOut?: number[][]): Float64Array[] {
  const n = y.length;
  const first = Math.max(minOrigin, Math.floor(n / 2), 1);
  const last = n - 1;
  const errs: number[][] = Array.from({ length: h }, () => []);
  if (last < first) return errs.map(() => new Float64Array(0));
  const stride = Math.max(1, Math.floor((last - first + 1) / maxOrigins));
  for (let o = first; o <= last; o += stride) {
    const k = Math.min(h, n - o);
    const fc = fitted.forecastFrom(y, o, k);
    // an origin before the model's minimum history gives no forecast (NaN): skip it
    if (!fc.every(Number.isFinite)) continue;
    for (let j = 0; j < k; j++) {
      errs[j].push((y[o + j] - fc[j]) / errorScale(fc[j], levelFloor));
      levelsOut?.[j].push(fc[j]);
    }
  }
  return errs.map((e) => Float64Array.from(e));
}

/** The scale of a count forecast's error: √(level + 1), the level floored at `levelFloor`. */
export function errorScale(level: number, levelFloor: number): number {
  return Math.sqrt(Math.max(level, levelFloor, 0) + 1);
}

/** The level floor for `errorScale`: a quarter of the history's mean. */
export function levelFloorOf(y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return y.length > 0 ? (0.25 * s) / y.length : 0;
}

/**
 * The steps ahead pooled for step `k`: `k` and its neighbours, widened one step each side in turn
 * until at least `minSamples` errors are in hand (or every step is in). Returns [lo, hi, count].
 */
export function pooledSteps(errs: readonly Float64Array[], k: number, minSamples: number): [number, number, number] {
  const h = errs.length;
  let lo = k;
  let hi = k;
  let count = errs[k].length;
  while (count < minSamples && (lo > 0 || hi < h - 1)) {
    if (lo > 0) count += errs[--lo].length;
    if (hi < h - 1 && count < minSamples) count += errs[++hi].length;
  }
  return [lo, hi, count];
}

/**
 * The first step from which every later step pools the same errors: one past the last step with
 * any (its pool, and every later one's, is the last observed steps widened back to `minSamples`;
 * `pooledSteps` walks there one step at a time). A 7-day horizon at 10 s (60,480 steps) with
 * errors for the first few hundred pooled and sorted the same errors 60,000 times: over 2 minutes.
 */
export function sharedTail(errs: readonly Float64Array[]): number {
  let last = errs.length - 1;
  while (last >= 0 && errs[last].length === 0) last--;
  return last + 1;
}

/**
 * Empirical quantiles of standardised errors per step ahead, pooling neighbouring steps until at
 * least `minSamples` errors are in hand (steps with few origins borrow from their neighbours).
 * Returns, per level, one standardised error per step (NaN when nothing was observed). With
 * fewer than 20 errors in all, the quantiles are a normal's with the errors' RMS.
 */
export function errorQuantiles(errs: Float64Array[], levels: readonly number[], minSamples = 200): Map<number, Float64Array> {
  const h = errs.length;
  const out = new Map<number, Float64Array>(levels.map((q) => [q, new Float64Array(h).fill(NaN)]));
  const widen = recentWidening(errs);
  const tail = sharedTail(errs);
  for (let k = 0; k < h; k++) {
    if (k > tail) {
      for (const q of levels) out.get(q)![k] = out.get(q)![tail];
      continue;
    }
    const pool = pooledErrors(errs, k, minSamples);
    const count = pool.length;
    if (count === 0) continue;
    if (count < FEW) {
      // too few errors for empirical quantiles (one burst would set every level): a normal with their RMS
      let ss = 0;
      for (let j = 0; j < count; j++) ss += pool[j] * pool[j];
      const rms = Math.sqrt(ss / count);
      for (const q of levels) out.get(q)![k] = probit(q) * rms * widen;
      continue;
    }
    pool.sort();
    for (const q of levels) out.get(q)![k] = tailQuantile(pool, q) * widen;
  }
  return out;
}

/** The errors `errorQuantiles` pools for step `k` (see `pooledSteps`), unsorted. */
export function pooledErrors(errs: readonly Float64Array[], k: number, minSamples = 200): Float64Array {
  const [lo, hi, count] = pooledSteps(errs, k, minSamples);
  const pool = new Float64Array(count);
  let p = 0;
  for (let j = lo; j <= hi; j++) {
    pool.set(errs[j], p);
    p += errs[j].length;
  }
  return pool;
}

/**
 * The q-quantile of sorted errors. Where the tail beyond q holds few errors (fewer than
 * `TAIL` expected), the interpolated sample quantile sits too far in, so an interval between
 * two of them covers less than its level (at 99% and a few hundred errors, most of a point):
 * there it is taken as split conformal prediction does, the ⌈(n+1)q⌉-th smallest for an upper
 * level and the ⌊(n+1)q⌋-th for a lower one (clamped to the sample), which covers a new error
 * with probability at least the level when errors are exchangeable. Elsewhere, the usual
 * interpolated quantile.
 */
export function tailQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (Math.min(q, 1 - q) * (n + 1) < TAIL) {
    const r = q >= 0.5 ? Math.ceil((n + 1) * q - 1e-9) : Math.floor((n + 1) * q + 1e-9);
    return sorted[Math.min(n, Math.max(1, r)) - 1];
  }
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < n ? sorted[i] * (1 - frac) + sorted[i + 1] * frac : sorted[i];
}

/** Expected errors beyond a quantile below which it is taken conformally (see tailQuantile). */
const TAIL = 5;

/**
 * How much wider than the pooled errors the latest ones run: the RMS of the errors from the
 * most recent quarter of the origins over the RMS of all, at least 1 (1 when fewer than 40
 * errors). Errors are pooled over the history's second half; when the level of noise has risen
 * since (a regime change, a busier phase), quantiles learnt from all of it understate the next
 * error, and are widened by this factor. They are never narrowed: a calm spell is no promise.
 */
export function recentWidening(errs: readonly Float64Array[]): number {
  let all = 0;
  let nAll = 0;
  let recent = 0;
  let nRecent = 0;
  for (const e of errs) {
    const from = Math.floor((3 * e.length) / 4);
    for (let i = 0; i < e.length; i++) {
      const v = e[i] * e[i];
      all += v;
      nAll++;
      if (i >= from) {
        recent += v;
        nRecent++;
      }
    }
  }
  if (nAll < 40 || nRecent === 0 || all === 0) return 1;
  return Math.max(1, Math.sqrt(recent / nRecent / (all / nAll)));
}
