import type { BudgetResult } from '../check/budgets.js';
import { formatValue, type Row } from '../report/format.js';
import { textTable } from '../report/textTable.js';

const MARK = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' } as const;

/** The display unit of a budgeted metric, from its name. */
export function budgetUnit(metric: string): Row[2] {
  if (/Rate$|tilization$/.test(metric)) return 'rate';
  if (/(^|\.)cost\./.test(metric)) return 'money';
  if (/Latency\.|Wait\.|completion\.|recovery$|createWait/.test(metric)) return 'seconds';
  return /^sessions\.|count$|failed$|lost$/.test(metric) ? 'count' : 'number';
}

/**
 * A budget's value and its 95% interval as table cells, rounded to the interval, in the metric's
 * unit; where the replications are too few for a meaningful interval it says so, as the summary
 * table does, rather than print a wide one (`run` and `check` show the same cells).
 */
export function budgetCells(b: BudgetResult): [value: string, ci: string] {
  const u = budgetUnit(b.metric);
  if (b.ci && b.ciNeeded !== undefined) return [formatValue(b.value, u), `too few replications (${b.replications}; ~${b.ciNeeded >= 1000 ? '1,000+' : b.ciNeeded} would do)`];
  const hw = b.ci ? (b.ci[1] - b.ci[0]) / 2 : undefined;
  return [formatValue(b.value, u, hw), b.ci ? `${formatValue(b.ci[0], u, hw)} … ${formatValue(b.ci[1], u, hw)}` : ''];
}

/**
 * The budget verdicts shown under `run`'s table (the same judgement `check` makes): a heading,
 * one row per budget with its value and 95% interval rounded to the interval, the verdict, and
 * the reason for any verdict but pass. No lines when the scenario has no budgets (pure).
 */
export function budgetLines(budgets: readonly BudgetResult[]): string[] {
  if (budgets.length === 0) return [];
  const rows = budgets.map((b) => [`${b.metric} ${b.text}`, ...budgetCells(b), MARK[b.verdict]]);
  const why = budgets.filter((b) => b.verdict !== 'pass').map((b) => `  ${MARK[b.verdict]} ${b.metric}: ${b.reason}`);
  return ['', 'budgets (judged as tidecast check does)', ...textTable(['budget', 'value', '95% CI', 'verdict'], rows, 'lrll'), ...why];
}
