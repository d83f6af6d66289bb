import type { Difference } from '../compare/paired.js';
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

/**
 * `compare --csv`: one row per variant and metric, with the variant's value and interval and its
 * paired difference from the first variant (empty for the first) (pure).
 */
export function compareCsv(variants: readonly { name: string; summary: Summary }[], differences: Record<string, Record<string, Difference>>): string {
  const rows = [line(['variant', 'metric', 'value', 'ci95_low', 'ci95_high', 'delta', 'delta_ci95_low', 'delta_ci95_high', 'relative'])];
  for (const v of variants) {
    for (const [metric, ci] of Object.entries(v.summary.ci95)) {
      const d = differences[v.name]?.[metric];
      rows.push(line([v.name, metric, get(v.summary, metric), ci?.[0], ci?.[1], d?.delta, d?.ci?.[0], d?.ci?.[1], d?.relative]));
    }
  }
  return rows.join('\n') + '\n';
}
