/** How summary metrics are shown to people: labels, units and number formats. */

import { get, type Summary } from '../sim/summary.js';

/** A row of the terminal table: label, summary path, how to show it, and whether it shows only when used. */
export type Row = [label: string, path: string, unit: 'count' | 'rate' | 'seconds' | 'money' | 'number', optional?: true];

/** The metrics shown in summaries (terminal and report), in order. */
export const SUMMARY_ROWS: Row[] = [
  ['sessions arrived', 'sessions.arrived', 'count'],
  ['  started', 'sessions.started', 'count'],
  ['  completed', 'sessions.completed', 'count'],
  ['  in flight at end', 'sessions.inFlight', 'count'],
  ['  rejected', 'sessions.rejected', 'count'],
  ['  queued for a slot', 'sessions.queued', 'count'],
  ['  overflowed', 'sessions.overflowed', 'count'],
  ['  lost (sandbox destroyed)', 'sessions.lost', 'count', true],
  ['hibernations', 'sessions.hibernations', 'count', true],
  ['  wakes', 'sessions.wakes', 'count', true],
  ['  wake latency p50', 'wakeLatency.p50', 'seconds', true],
  ['  wake latency p99', 'wakeLatency.p99', 'seconds', true],
  ['  hibernated mean', 'concurrency.hibernated', 'number', true],
  ['fan-outs', 'fanout.count', 'count', true],
  ['  failed (a clone found no slot)', 'fanout.failed', 'count', true],
  ['  completion p50', 'fanout.completion.p50', 'seconds', true],
  ['  completion p99', 'fanout.completion.p99', 'seconds', true],
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
  ['zone outage: sessions lost', 'outage.lost', 'count', true],
  ['  recovery (capacity back)', 'outage.recovery', 'seconds', true],
  ['nodes mean', 'nodes.mean', 'number', true],
  ['  peak', 'nodes.peak', 'number', true],
  ['  added', 'nodes.added', 'count', true],
  ['  removed', 'nodes.removed', 'count', true],
  ['API server utilization', 'api.utilization', 'rate', true],
  ['  create-call wait mean', 'api.createWait.mean', 'seconds', true],
  ['cost total', 'cost.total', 'money'],
  ['  reserved', 'cost.reserved', 'money'],
  ['  serverless', 'cost.serverless', 'money'],
  ['  storage (hibernated)', 'cost.storage', 'money', true],
  ['  start-up CPU burst', 'cost.startupBurst', 'money', true],
  ['  per session', 'cost.perSession', 'money'],
  ['  of which ready pool', 'cost.pool', 'money'],
];

/** The rows shown per sandbox template (paths under `templates.<name>.`). */
export const TEMPLATE_ROWS: Row[] = [
  ['sessions arrived', 'sessions.arrived', 'count'],
  ['  overflowed', 'sessions.overflowed', 'count'],
  ['  rejected', 'sessions.rejected', 'count', true],
  ['  lost', 'sessions.lost', 'count', true],
  ['  hibernations', 'sessions.hibernations', 'count', true],
  ['  wake latency p99', 'wakeLatency.p99', 'seconds', true],
  ['warm-hit rate', 'warmHitRate', 'rate'],
  ['overflow rate', 'overflowRate', 'rate'],
  ['start latency p50', 'startLatency.p50', 'seconds'],
  ['  p99', 'startLatency.p99', 'seconds'],
  ['concurrency mean', 'concurrency.mean', 'number'],
  ['reserved slots held mean', 'capacity.reservedBusy.mean', 'number'],
  ['warm pool ready mean', 'pool.ready.mean', 'number'],
  ['cost total', 'cost.total', 'money'],
  ['  per session', 'cost.perSession', 'money'],
];

/** The rows to show for these summaries: optional rows only where some summary uses them; then a block per template. */
export function rowsFor(summaries: readonly Summary[]): Row[] {
  const used = (r: Row) => !r[3] || summaries.some((s) => {
    const v = get(s, r[1]);
    return Number.isFinite(v) && v !== 0;
  });
  const rows = SUMMARY_ROWS.filter(used);
  const names = new Set<string>();
  for (const s of summaries) for (const n of Object.keys((s.templates as Record<string, unknown> | undefined) ?? {})) names.add(n);
  for (const name of names) {
    const block: Row[] = TEMPLATE_ROWS.map(([label, path, unit, opt]) => [`  ${label}`, `templates.${name}.${path}`, unit, ...(opt ? [opt] : [])] as Row);
    rows.push([`template ${name}`, `templates.${name}.sessions.arrived`, 'count'], ...block.slice(1).filter(used));
  }
  return rows;
}

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

