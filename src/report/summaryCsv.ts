import { get, type Summary } from '../sim/summary.js';

/** A CSV field: quoted when it holds a comma, quote or line break. */
function field(v: string | number | null | undefined): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (cells: (string | number | null | undefined)[]) => cells.map(field).join(',');

/**
 * A run's summary for spreadsheets (`run --csv`): one row per metric (every key of `ci95`, in
 * summary order) with its value, 95% interval and — when the replications are too few for a
 * meaningful interval — about how many would do. Times in seconds, rates as fractions, money in
 * the scenario's currency (pure).
 */
export function summaryCsv(s: Summary): string {
  const rows = [line(['scenario', 'metric', 'value', 'ci95_low', 'ci95_high', 'replications', 'replications_needed'])];
  for (const [metric, ci] of Object.entries(s.ci95)) {
    rows.push(line([s.scenario, metric, get(s, metric), ci?.[0], ci?.[1], s.replications, s.ciNeeded?.[metric]]));
  }
  return rows.join('\n') + '\n';
}
