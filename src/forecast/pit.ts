/**
 * The probability integral transform (PIT) of count forecasts given by quantiles: how `backtest`
 * scores coverage and how `calibrate` learns to correct it.
 */

/** Quantile levels a backtest asks for: 0.005, 0.01, …, 0.995 (199), to read F for the PIT. */
export const PIT_LEVELS: readonly number[] = Array.from({ length: 199 }, (_, i) => Number(((i + 1) * 0.005).toFixed(3)));

/**
 * The forecast CDF at x read from quantiles `values` at increasing `levels` (their inverse,
 * linear between levels): the largest level whose quantile is ≤ x; 0 below the first, 1 above
 * the last.
 */
export function cdfFromQuantiles(levels: readonly number[], values: ArrayLike<number>, x: number): number {
  const n = levels.length;
  if (x < values[0]) return 0;
  if (x > values[n - 1]) return 1;
  // the last i with values[i] ≤ x (values non-decreasing), by bisection
  let i = 0;
  let j = n - 1;
  while (i < j) {
    const m = (i + j + 1) >> 1;
    if (values[m] <= x) i = m;
    else j = m - 1;
  }
  if (i + 1 >= n || values[i + 1] === values[i]) return levels[i];
  return levels[i] + ((levels[i + 1] - levels[i]) * (x - values[i])) / (values[i + 1] - values[i]);
}

/** Counts up to which `pitCoverage` reads P(a) by the exact recursion (its grid error grows with a). */
const EXACT_UP_TO = 8;

/**
 * Expected coverage of a whole count `a` by the central interval [α/2, 1 − α/2] of a forecast
 * whose quantiles are *mid-quantiles* (as `countQuantile` gives, and as continuous quantiles are
 * up to half a count): its randomized PIT U = F(a−1) + V·P(a), V uniform, lies in the interval
 * with probability |[F(a−1), F(a)] ∩ [α/2, 1 − α/2]| / P(a). The quantiles give the
 * mid-distribution M(k) = F(k−1) + ½P(k) at whole counts, so P(0) = 2M(0), P(k) follows from
 * M(k) − M(k−1) = ½(P(k−1) + P(k)) up to 8, and P(a) ≈ ½(M(a+1) − M(a−1)) above. Scoring "q05 ≤ a ≤ q95" instead counts every 0 as covered when q05 = 0
 * (any count with P(0) ≥ 10%), so a true forecast of a sparse count covers 95–100%.
 */
export function pitCoverage(levels: readonly number[], values: ArrayLike<number>, a: number, alpha: number): number {
  const [lo, hi] = pitInterval(levels, values, a);
  const a0 = alpha / 2;
  const a1 = 1 - alpha / 2;
  if (hi - lo < 1e-9) return lo >= a0 && lo <= a1 ? 1 : 0;
  return Math.max(0, Math.min(hi, a1) - Math.max(lo, a0)) / (hi - lo);
}

/**
 * The randomized PIT interval [F(a − 1), F(a)] of a whole count `a` under a forecast given by
 * mid-quantiles `values` at `levels` (see `pitCoverage`): its PIT is uniform on it.
 */
export function pitInterval(levels: readonly number[], values: ArrayLike<number>, a: number): [number, number] {
  const m = (x: number) => cdfFromQuantiles(levels, values, x);
  const mid = m(a);
  let p: number;
  if (a <= EXACT_UP_TO) {
    // exact from 0 up: P(0) = 2M(0), P(k) = 2(M(k) − M(k−1)) − P(k−1) (steep pmfs near 0, where
    // the symmetric estimate below is poor: Poisson(0.1) would cover 92%)
    p = Math.min(1, 2 * m(0));
    for (let k = 1; k <= a; k++) p = Math.max(0, 2 * (m(k) - m(k - 1)) - p);
  } else {
    p = 0.5 * (m(a + 1) - m(a - 1));
  }
  return [Math.max(0, mid - 0.5 * p), Math.min(1, mid + 0.5 * p)];
}

