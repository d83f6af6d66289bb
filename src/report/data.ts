import { SERIES_COLUMNS, type SeriesColumn } from '../model/metrics.js';
import type { ReplicationResult } from '../sim/replication.js';
import { LogHistogram } from '../stats/histogram.js';

/** One row of the report's long-format series: a variant's replication-mean values at time t. */
export type SeriesRow = { variant: string; t: number; hours: number } & Record<SeriesColumn, number>;

/** A point of a start-latency CDF. */
export interface CdfPoint {
  variant: string;
  latencyS: number;
  fraction: number;
}

/** The per-interval series of a variant, averaged over its replications, as rows. */
export function seriesRows(variant: string, results: readonly ReplicationResult[]): SeriesRow[] {
  const n = Math.min(...results.map((r) => r.series.t.length));
  const rows: SeriesRow[] = [];
  for (let i = 0; i < n; i++) {
    const row = { variant } as SeriesRow;
    for (const c of SERIES_COLUMNS) {
      let s = 0;
      let k = 0;
      for (const r of results) {
        const v = r.series[c][i];
        if (Number.isFinite(v)) {
          s += v;
          k++;
        }
      }
      row[c] = k > 0 ? s / k : NaN;
    }
    row.hours = row.t / 3600;
    rows.push(row);
  }
  return rows;
}

/** The CDF of start latency over all replications' counted sessions, at up to `points` latencies. */
export function latencyCdf(variant: string, results: readonly ReplicationResult[], points = 120): CdfPoint[] {
  const h = LogHistogram.fromJSON(results[0].latency);
  for (const r of results.slice(1)) h.merge(LogHistogram.fromJSON(r.latency));
  if (h.count === 0) return [];
  const out: CdfPoint[] = [];
  const lo = Math.max(1e-3, h.quantile(0.001) || 1e-3);
  const hi = Math.max(lo * 1.01, h.max);
  for (let i = 0; i <= points; i++) {
    const x = lo * Math.pow(hi / lo, i / points);
    out.push({ variant, latencyS: x, fraction: h.cdf(x) });
  }
  return out;
}
