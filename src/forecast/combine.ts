/**
 * Forecast combination for `auto`: the mean or the per-step median of several models' forecasts,
 * and the paired test that decides whether a validated choice is clearly better than a default.
 */

/** The per-step mean (`how` 'mean') or median of equally long forecasts (at least one). */
export function combine(parts: readonly Float64Array[], how: 'mean' | 'median'): Float64Array {
  const h = parts[0].length;
  const out = new Float64Array(h);
  if (how === 'mean') {
    for (const p of parts) for (let k = 0; k < h; k++) out[k] += p[k] / parts.length;
    return out;
  }
  const buf = new Float64Array(parts.length);
  for (let k = 0; k < h; k++) {
    for (let i = 0; i < parts.length; i++) buf[i] = parts[i][k];
    buf.sort();
    const m = parts.length;
    out[k] = m % 2 ? buf[(m - 1) >> 1] : 0.5 * (buf[m / 2 - 1] + buf[m / 2]);
  }
  return out;
}

/** Sum of absolute errors of `fc` against y[o..o+fc.length). */
export function absError(y: Float64Array, o: number, fc: Float64Array): number {
  let e = 0;
  for (let k = 0; k < fc.length; k++) e += Math.abs(y[o + k] - fc[k]);
  return e;
}

/**
 * Whether errors `a` (per validation origin) are clearly below errors `b` at the same origins:
 * the mean difference plus `z` standard errors of it is below 0. With few origins the standard
 * error is wide and `b` (the default) stands.
 */
export function clearlyBetter(a: readonly number[], b: readonly number[], z: number): boolean {
  const n = a.length;
  if (n === 0) return false;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    m1 += d;
    m2 += d * d;
  }
  m1 /= n;
  const se = Math.sqrt(Math.max(0, m2 / n - m1 * m1) / Math.max(1, n - 1));
  return m1 + z * se < 0;
}
