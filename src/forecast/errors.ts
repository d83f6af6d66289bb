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
 * quantiles up by orders of magnitude.
 */
export function standardisedErrors(y: Float64Array, fitted: Fitted, h: number, minOrigin: number, maxOrigins = 240, levelFloor = 0): Float64Array[] {
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
    for (let j = 0; j < k; j++) errs[j].push((y[o + j] - fc[j]) / errorScale(fc[j], levelFloor));
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
 * Empirical quantiles of standardised errors per step ahead, pooling neighbouring steps until at
 * least `minSamples` errors are in hand (steps with few origins borrow from their neighbours).
 * Returns, per level, one standardised error per step (NaN when nothing was observed). With
 * fewer than 20 errors in all, the quantiles are a normal's with the errors' RMS.
 */
export function errorQuantiles(errs: Float64Array[], levels: readonly number[], minSamples = 200): Map<number, Float64Array> {
  const h = errs.length;
  const out = new Map<number, Float64Array>(levels.map((q) => [q, new Float64Array(h).fill(NaN)]));
  for (let k = 0; k < h; k++) {
    let lo = k;
    let hi = k;
    let count = errs[k].length;
    while (count < minSamples && (lo > 0 || hi < h - 1)) {
      if (lo > 0) count += errs[--lo].length;
      if (hi < h - 1 && count < minSamples) count += errs[++hi].length;
    }
    const pool = new Float64Array(count);
    let p = 0;
    for (let j = lo; j <= hi; j++) {
      pool.set(errs[j], p);
      p += errs[j].length;
    }
    if (count === 0) continue;
    if (count < FEW) {
      // too few errors for empirical quantiles (one burst would set every level): a normal with their RMS
      let ss = 0;
      for (let j = 0; j < count; j++) ss += pool[j] * pool[j];
      const rms = Math.sqrt(ss / count);
      for (const q of levels) out.get(q)![k] = probit(q) * rms;
      continue;
    }
    pool.sort();
    for (const q of levels) {
      const pos = q * (count - 1);
      const i = Math.floor(pos);
      const frac = pos - i;
      out.get(q)![k] = i + 1 < count ? pool[i] * (1 - frac) + pool[i + 1] * frac : pool[i];
    }
  }
  return out;
}
