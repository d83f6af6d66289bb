import { get, type Summary } from '../sim/summary.js';
import type { Verdict } from './budgets.js';

/** A metric compared with a saved baseline. */
export interface RegressionResult {
  scenario: string;
  metric: string;
  baseline: number;
  value: number;
  /** How much worse (relative, or absolute for rates), negative when better. */
  worseBy: number;
  verdict: Verdict;
  reason: string;
}

/** Metrics compared by default, and which direction is worse. */
export const REGRESSION_METRICS: Record<string, 'higher' | 'lower'> = {
  'startLatency.mean': 'higher',
  'startLatency.p99': 'higher',
  warmHitRate: 'lower',
  overflowRate: 'higher',
  rejectRate: 'higher',
  'cost.total': 'higher',
  'cost.perSession': 'higher',
};

/**
 * Compares a run with a baseline summary: a metric regresses when it got worse by more than
 * `tolerance` — relative to the baseline value, or in absolute terms for rates (values that
 * are fractions, where 0.1% → 0.2% overflow is not a 100% regression). Budgeted metrics are
 * compared too, worse meaning past the budget's side.
 */
export function compareWithBaseline(
  scenario: string,
  current: Summary,
  baseline: Summary,
  tolerance: number,
  budgets: Record<string, { op: '<=' | '>=' }> = {},
): RegressionResult[] {
  const metrics: Record<string, 'higher' | 'lower'> = { ...REGRESSION_METRICS };
  for (const [m, b] of Object.entries(budgets)) metrics[m] = b.op === '<=' ? 'higher' : 'lower';
  const out: RegressionResult[] = [];
  for (const [metric, worse] of Object.entries(metrics)) {
    const base = get(baseline, metric);
    const value = get(current, metric);
    if (!Number.isFinite(base) || !Number.isFinite(value)) continue;
    const isRate = /Rate$/.test(metric);
    const delta = worse === 'higher' ? value - base : base - value;
    const worseBy = isRate ? delta : base !== 0 ? delta / Math.abs(base) : delta > 0 ? Infinity : 0;
    const pct = (x: number) => `${(x * 100).toFixed(1)}${isRate ? ' points' : '%'}`;
    const verdict: Verdict = worseBy > tolerance ? 'fail' : 'pass';
    const reason =
      verdict === 'fail'
        ? `${metric} got worse by ${pct(worseBy)} (baseline ${fmt(base)}, now ${fmt(value)}), beyond the ${pct(tolerance)} tolerance`
        : `${metric} ${worseBy > 0 ? `worse by ${pct(worseBy)}, within` : 'no worse than the baseline, within'} the ${pct(tolerance)} tolerance (baseline ${fmt(base)}, now ${fmt(value)})`;
    out.push({ scenario, metric, baseline: base, value, worseBy, verdict, reason });
  }
  return out;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
