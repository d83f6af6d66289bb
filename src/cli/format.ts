import type { Summary } from '../sim/summary.js';
import { get } from '../sim/summary.js';

/** A row of the terminal table: label, summary path, and how to show it. */
type Row = [label: string, path: string, unit: 'count' | 'rate' | 'seconds' | 'money' | 'number'];

const ROWS: Row[] = [
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

/** The run summary as an aligned text table with 95% intervals (a pure function of the summary). */
export function summaryTable(s: Summary): string {
  const rows = ROWS.map(([label, path, unit]) => {
    const ci = s.ci95[path];
    const ciText = ci ? `${formatValue(ci[0], unit)} … ${formatValue(ci[1], unit)}` : '';
    return [label, formatValue(get(s, path), unit), ciText];
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const head = `${s.scenario} — seed ${s.seed}, ${s.replications} replication${s.replications === 1 ? '' : 's'}`;
  const lines = [head, `${'metric'.padEnd(w0)}  ${'value'.padStart(w1)}  ${s.replications > 1 ? '95% CI' : ''}`.trimEnd()];
  for (const r of rows) lines.push(`${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`.trimEnd());
  const e = s.engine;
  lines.push(`engine: ${e.events.toLocaleString('en-US')} events in ${e.wallSeconds.toFixed(2)} s (${(e.eventsPerSecond / 1e6).toFixed(2)}M events/s)`);
  return lines.join('\n');
}
