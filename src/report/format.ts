/** How summary metrics are shown to people: labels, units and number formats. */

/** A row of the terminal table: label, summary path, and how to show it. */
export type Row = [label: string, path: string, unit: 'count' | 'rate' | 'seconds' | 'money' | 'number'];

/** The metrics shown in summaries (terminal and report), in order. */
export const SUMMARY_ROWS: Row[] = [
  ['sessions arrived', 'sessions.arrived', 'count'],
  ['  started', 'sessions.started', 'count'],
  ['  completed', 'sessions.completed', 'count'],
  ['  in flight at end', 'sessions.inFlight', 'count'],
  ['  rejected', 'sessions.rejected', 'count'],
  ['  queued for a slot', 'sessions.queued', 'count'],
  ['  overflowed', 'sessions.overflowed', 'count'],
  ['warm-hit rate', 'warmHitRate', 'rate'],
  ['overflow rate', 'overflowRate', 'rate'],
  ['start latency mean', 'startLatency.mean', 'seconds'],
  ['  p50', 'startLatency.p50', 'seconds'],
  ['  p90', 'startLatency.p90', 'seconds'],
  ['  p99', 'startLatency.p99', 'seconds'],
  ['  max', 'startLatency.max', 'seconds'],
  ['concurrency mean', 'concurrency.mean', 'number'],
  ['  peak', 'concurrency.peak', 'number'],
  ['queue mean', 'queue.mean', 'number'],
  ['reserved utilization', 'capacity.reservedUtilization', 'rate'],
  ['serverless busy mean', 'capacity.serverlessBusy.mean', 'number'],
  ['warm pool ready mean', 'pool.ready.mean', 'number'],
  ['cost total', 'cost.total', 'money'],
  ['  reserved', 'cost.reserved', 'money'],
  ['  serverless', 'cost.serverless', 'money'],
  ['  per session', 'cost.perSession', 'money'],
  ['  of which ready pool', 'cost.pool', 'money'],
];

/** Formats a value for the terminal. */
export function formatValue(v: number, unit: Row[2]): string {
  if (!Number.isFinite(v)) return '—';
  switch (unit) {
    case 'count':
      return Math.round(v).toLocaleString('en-US');
    case 'rate':
      return `${(v * 100).toFixed(2)}%`;
    case 'seconds':
      return v < 1 ? `${(v * 1000).toFixed(1)} ms` : `${v.toFixed(3)} s`;
    case 'money':
      return v < 1 ? `$${v.toPrecision(3)}` : `$${v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;
    default:
      return v.toLocaleString('en-US', { maximumFractionDigits: 1 });
  }
}

