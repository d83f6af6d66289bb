/** How summary metrics are shown to people: labels, units and number formats. */

import { get, type Summary } from '../sim/summary.js';
import { enUS } from './numberText.js';

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

/**
 * Formats a value for the terminal. With `halfWidthS` (half the width of its 95% interval, in the
 * value's own units) the value is rounded to what the interval supports: the last digit shown is
 * the one where the interval's half-width has its second significant digit, never more digits
 * than the unit's usual format (`$85.5239 ± $0.13` → `$85.52`, `1.449 s ± 2.1 s` → `1.4 s`).
 */
export function formatValue(v: number, unit: Row[2], halfWidth?: number): string {
  if (!Number.isFinite(v)) return '—';
  // decimals for a display scale: capped at `max`, fewer when the interval is wide
  const dec = (scale: number, max: number) =>
    halfWidth !== undefined && Number.isFinite(halfWidth) && halfWidth > 0 ? Math.min(max, Math.max(0, 1 - Math.floor(Math.log10(halfWidth * scale)))) : max;
  switch (unit) {
    case 'count':
      return enUS(Math.round(v));
    case 'rate':
      return `${(v * 100).toFixed(dec(100, 2))}%`;
    case 'seconds':
      return Math.abs(v) < 1 ? `${(v * 1000).toFixed(dec(1000, 1))} ms` : `${v.toFixed(dec(1, 3))} s`;
    case 'money': {
      const sign = v < 0 ? '−' : '';
      const a = Math.abs(v);
      if (a < 1 && halfWidth === undefined) return `${sign}$${a.toPrecision(3)}`;
      const d = a < 1 ? dec(1, Math.max(2, 2 - Math.floor(Math.log10(a || 1)))) : dec(1, 2);
      return `${sign}$${enUS(a, d)}`;
    }
    default: {
      const d = dec(1, 1);
      return enUS(v, halfWidth === undefined ? 0 : d, d);
    }
  }
}

/**
 * A metric's value and its 95% interval as text, both rounded to the interval's precision; when
 * the summary marks the replications as too few for a meaningful interval, says so and how many
 * would do instead of printing it.
 */
export function formatEstimate(s: Summary, path: string, unit: Row[2]): { value: string; ci: string } {
  const v = get(s, path);
  const ci = s.ci95?.[path] ?? null;
  const needed = s.ciNeeded?.[path];
  if (!ci) return { value: formatValue(v, unit), ci: '' };
  if (needed !== undefined) return { value: formatValue(v, unit), ci: `too few replications (${s.replications}; ~${needed >= 1000 ? '1,000+' : needed} would do)` };
  const hw = ci[1] > ci[0] ? (ci[1] - ci[0]) / 2 : undefined;
  return { value: formatValue(v, unit, hw), ci: ci[0] === ci[1] ? `${formatValue(ci[0], unit)} … ${formatValue(ci[1], unit)}` : `${formatValue(ci[0], unit, hw)} … ${formatValue(ci[1], unit, hw)}` };
}
