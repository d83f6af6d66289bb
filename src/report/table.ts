import * as aq from 'arquero';
import type { Summary } from '../sim/summary.js';
import { formatEstimate, rowsFor } from './format.js';

/** A variant's summary, named. */
export interface NamedSummary {
  variant: string;
  summary: Summary;
}

/**
 * The summary table as an arquero table: one row per metric, per variant a value column and a
 * 95% interval column (a pure function: the HTML is made by `toHTML`).
 */
export function summaryTable(items: readonly NamedSummary[]): aq.ColumnTable {
  const ROWS = rowsFor(items.map((i) => i.summary));
  const cols: Record<string, string[]> = { metric: ROWS.map(([label]) => label.trim()) };
  for (const { variant, summary } of items) {
    const key = items.length > 1 ? variant : 'value';
    const est = ROWS.map(([, path, unit]) => formatEstimate(summary, path, unit));
    cols[key] = est.map((e) => e.value);
    cols[items.length > 1 ? `${variant} 95% CI` : '95% CI'] = est.map((e) => e.ci);
  }
  return aq.table(cols);
}
