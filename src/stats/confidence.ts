/** Two-sided 97.5% quantiles of Student's t for 1 … 30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (Cornish–Fisher beyond 30). */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  const z = 1.959963984540054;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** Mean and 95% t-interval of independent replication values; the interval is null for fewer than 2. */
export function meanCI95(values: readonly number[]): { mean: number; ci: [number, number] | null; halfWidth: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, ci: null, halfWidth: NaN };
  const { mean, sd } = meanSd(values);
  if (n < 2) return { mean, ci: null, halfWidth: NaN };
  const h = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { mean, ci: [mean - h, mean + h], halfWidth: h };
}

/** Where a metric's values can lie: `lo` is its smallest possible value, `hi` its largest (Infinity when unbounded). */
export interface Support {
  lo: number;
  hi: number;
}

/**
 * How an interval was made: `exact` (every replication agreed), `t` (Student's t on the values),
 * `log-t` (t on log(x − lo), for skewed metrics bounded below), `logit-t` (t on the logit of a
 * value bounded on both sides), `t-clipped` (t cut at the support: some replications sit on its
 * edge, so no transform applies; such an interval is never called meaningful).
 */
export type IntervalMethod = 'exact' | 't' | 'log-t' | 'logit-t' | 't-clipped' | 'none';

/** A 95% interval over replications, inside the metric's support. */
export interface Interval {
  mean: number;
  /** Within [support.lo, support.hi]; null with fewer than 2 replications. */
  ci: [number, number] | null;
  method: IntervalMethod;
  /**
   * Null when the interval is meaningful; otherwise about how many replications would make it
   * so (the interval spans more than a factor of 10, or touches the support's edge).
   */
  needed: number | null;
}

/** A transformed-scale interval is called meaningful when its ends are at most this factor apart (in x − lo, or in odds). */
const MAX_RATIO = 10;
const MAX_LOG_HALF = Math.log(MAX_RATIO) / 2;
/** Replication counts beyond this are reported as this (the estimate is rough anyway). */
const NEEDED_CAP = 1000;

/**
 * The one 95% interval every report, JSON summary and budget verdict uses, over independent
 * replication values of a metric that lives in `support`:
 * - every value equal: that value;
 * - Student's t on the values when that interval stays inside the support (the usual case for
 *   counts, costs and means of many sessions: their replication means are near-normal);
 * - otherwise the metric is skewed against its edge (a p99 over three replications, a rate near
 *   0 or 1): t on log(x − lo) — or on the logit for a metric bounded on both sides — and back,
 *   so the interval is skewed like the values and never crosses the edge;
 * - when some replications sit on the edge (no transform applies), t cut at the edge.
 * `needed` says when the replications are too few for an interval worth printing, and how many
 * would do: the smallest n whose t half-width is within the target (a factor of 10 end to end on
 * the transformed scale; the distance from the mean to the edge for a cut interval), holding the
 * spread seen so far.
 */
export function replicationInterval(values: readonly number[], support: Support = { lo: 0, hi: Infinity }): Interval {
  const n = values.length;
  if (n === 0 || values.some((v) => !Number.isFinite(v))) return { mean: NaN, ci: null, method: 'none', needed: null };
  const { mean, sd } = meanSd(values);
  if (n < 2) return { mean, ci: null, method: 'none', needed: 3 };
  const { lo, hi } = support;
  // (a histogram quantile may sit up to its 0.5% resolution below the support's edge: the interval does not)
  if (values.every((v) => v === values[0])) return { mean, ci: [clamp(mean, lo, hi), clamp(mean, lo, hi)], method: 'exact', needed: null };
  const h = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  if (mean - h >= lo && mean + h <= hi) return { mean, ci: [mean - h, mean + h], method: 't', needed: null };
  const bounded = Number.isFinite(hi);
  // a value within 1% of an edge (twice the latency histogram's 0.5% resolution) counts as on it:
  // log(x − lo) of a p99 that is the claim latency plus a bucket's rounding would send the interval to hours
  const tol = 0.01 * Math.abs(lo) + 1e-12;
  const inside = values.every((v) => v > lo + tol && v < hi - tol);
  if (inside) {
    const f = bounded ? (v: number) => Math.log((v - lo) / (hi - v)) : (v: number) => Math.log(v - lo);
    const back = bounded ? (y: number) => lo + (hi - lo) / (1 + Math.exp(-y)) : (y: number) => lo + Math.exp(y);
    const z = meanSd(values.map(f));
    const hz = (tQuantile975(n - 1) * z.sd) / Math.sqrt(n);
    // Too few for a meaningful transformed interval (2 replications: t = 12.7, and a p99 that
    // differs 5× between them spans 10^±9 back on the seconds scale): the t-interval cut at the
    // support is the narrower honest statement, flagged as too few either way.
    if (hz > MAX_LOG_HALF) {
      return { mean, ci: [clamp(mean - h, lo, hi), clamp(mean + h, lo, hi)], method: 't-clipped', needed: neededFor(z.sd, MAX_LOG_HALF) };
    }
    // centred on the geometric mean; widened to hold the arithmetic mean the tables print beside it
    const ci: [number, number] = [clamp(Math.min(back(z.mean - hz), mean), lo, hi), clamp(Math.max(back(z.mean + hz), mean), lo, hi)];
    return { mean, ci, method: bounded ? 'logit-t' : 'log-t', needed: null };
  }
  const ci: [number, number] = [clamp(mean - h, lo, hi), clamp(mean + h, lo, hi)];
  const room = Math.min(mean - lo, hi - mean);
  return { mean, ci, method: 't-clipped', needed: room > 0 ? Math.max(n + 1, neededFor(sd, room)) : NEEDED_CAP };
}

/** The smallest n ≥ 3 with t(n − 1)·sd/√n ≤ target (capped at NEEDED_CAP). */
function neededFor(sd: number, target: number): number {
  for (let n = 3; n < NEEDED_CAP; n++) if ((tQuantile975(n - 1) * sd) / Math.sqrt(n) <= target) return n;
  return NEEDED_CAP;
}

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  let s = 0;
  for (const v of values) s += v;
  const mean = s / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
