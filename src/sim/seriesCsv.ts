import { SERIES_COLUMNS } from '../model/metrics.js';
import type { ReplicationResult } from './replication.js';

/** The per-interval series of every replication as CSV, long format (`replication,t,…`). */
export function seriesCsv(results: readonly ReplicationResult[]): string {
  const lines = [['replication', ...SERIES_COLUMNS].join(',')];
  for (const r of results) {
    const n = r.series.t.length;
    for (let i = 0; i < n; i++) {
      const cells = [String(r.replication)];
      for (const c of SERIES_COLUMNS) {
        const v = r.series[c][i];
        cells.push(Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '');
      }
      lines.push(cells.join(','));
    }
  }
  return lines.join('\n') + '\n';
}
