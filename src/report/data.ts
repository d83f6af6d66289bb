import { table } from 'arquero';
import { SERIES_COLUMNS, type SeriesColumn } from '../model/metrics.js';
import type { ReplicationResult } from '../sim/replication.js';
import { LogHistogram } from '../stats/histogram.js';

/** One row of the report's long-format series: a variant's replication-mean values at time t. */
export type SeriesRow = { variant: string; t: number; hours: number } & Record<SeriesColumn, number>;

/** A point of a start-latency curve: the fraction of sessions started within `latencyS`, and the fraction slower. */
export interface CdfPoint {
  variant: string;
  latencyS: number;
  fraction: number;
  /** 1 − fraction: the share of sessions that waited longer (the survival function). */
  exceed: number;
}

/** A tail quantile of start latency, marked on the survival curve. */
export interface TailMark {
  variant: string;
  /** "p50", "p99", "p99.9" */
  label: string;
  latencyS: number;
  /** 1 − q: where the quantile sits on the survival axis. */
  exceed: number;
}

/**
 * The per-interval series of a variant, averaged over its replications, as rows: one long table
 * of every replication's intervals (replication after replication), grouped by interval and
 * rolled up to the mean of each column's finite values (NaN where none is), then `hours`. The
 * sums run in replication order, so the means are the same doubles as a loop's. Replications of
 * different lengths are cut to the shortest.
 */
export function seriesRows(variant: string, results: readonly ReplicationResult[]): SeriesRow[] {
  const n = Math.min(...results.map((r) => r.series.t.length));
  const interval = new Int32Array(n * results.length);
  const columns: Record<string, Int32Array | Float64Array> = { interval };
  for (let k = 0; k < results.length; k++) for (let i = 0; i < n; i++) interval[k * n + i] = i;
  for (const c of SERIES_COLUMNS) {
    const col = new Float64Array(n * results.length);
    results.forEach((r, k) => {
      const from = r.series[c];
      // arquero's aggregates skip NaN but not ±Infinity: a non-finite value counts as missing
      for (let i = 0; i < n; i++) col[k * n + i] = Number.isFinite(from[i]) ? from[i] : NaN;
    });
    columns[c] = col;
  }
  return table(columns)
    .groupby('interval') // groups in order of first appearance: interval 0, 1, …
    .rollup(Object.fromEntries(SERIES_COLUMNS.map((c) => [c, `d => op.sum(d.${c}) / op.valid(d.${c})`])))
    .params({ variant })
    .derive({ variant: (_: unknown, $: { variant: string }) => $.variant, hours: (d: { t: number }) => d.t / 3600 })
    .select('variant', ...SERIES_COLUMNS, 'hours')
    .objects() as SeriesRow[];
}

/** Start latencies of every replication's counted sessions in one histogram. */
export function mergedLatency(results: readonly ReplicationResult[]): LogHistogram {
  const h = LogHistogram.fromJSON(results[0].latency);
  for (const r of results.slice(1)) h.merge(LogHistogram.fromJSON(r.latency));
  return h;
}

/**
 * The distribution of start latency over all replications' counted sessions, at up to `points`
 * latencies spaced evenly on a log axis from just below the fastest start to the slowest, with
 * its survival (1 − CDF): with 98.8% of starts at a 50 ms claim, the tail planners read sits
 * between 1% and 0.01%, visible only on a log axis of `exceed`.
 */
export function latencyCdf(variant: string, h: LogHistogram, points = 160): CdfPoint[] {
  if (h.count === 0) return [];
  const out: CdfPoint[] = [];
  const lo = Math.max(1e-3, h.quantile(0) || 1e-3) * 0.8;
  const hi = Math.max(lo * 1.01, h.max);
  for (let i = 0; i <= points; i++) {
    const x = lo * Math.pow(hi / lo, i / points);
    const fraction = h.cdf(x);
    out.push({ variant, latencyS: x, fraction, exceed: Math.max(0, 1 - fraction) });
  }
  return out;
}

/** The p50, p99 and p99.9 of start latency (from the same merged histogram as the curve: `mergedLatency`). */
export function latencyTail(variant: string, h: LogHistogram): TailMark[] {
  if (h.count === 0) return [];
  const levels: [string, number][] = [['p50', 0.5], ['p99', 0.99], ['p99.9', 0.999]];
  // a quantile beyond what the sessions can resolve (fewer than 1,000 for p99.9) is not marked
  return levels.filter(([, q]) => h.count * (1 - q) >= 1).map(([label, q]) => ({ variant, label, latencyS: h.quantile(q), exceed: 1 - q }));
}
