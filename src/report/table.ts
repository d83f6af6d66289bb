import * as aq from 'arquero';
import { get, type Summary } from '../sim/summary.js';
import { formatValue, rowsFor } from './format.js';

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
    cols[key] = ROWS.map(([, path, unit]) => formatValue(get(summary, path), unit));
    cols[items.length > 1 ? `${variant} 95% CI` : '95% CI'] = ROWS.map(([, path, unit]) => {
      const ci = summary.ci95[path];
      return ci ? `${formatValue(ci[0], unit)} … ${formatValue(ci[1], unit)}` : '';
    });
  }
  return aq.table(cols);
}
