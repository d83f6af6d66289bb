import { get, type Summary } from '../sim/summary.js';

/** The verdict on one budget or regression check. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** One budget judged against a run's summary. */
export interface BudgetResult {
  scenario: string;
  metric: string;
  op: '<=' | '>=';
  bound: number;
  /** The budget as the user wrote it (`"<= 2s"`). */
  text: string;
  value: number;
  ci: [number, number] | null;
  replications: number;
  verdict: Verdict;
  /** Why, in a sentence (with how many replications would settle an inconclusive verdict). */
  reason: string;
  /** Set when the replications are too few for a meaningful interval (summary.ciNeeded): about how many would do. */
  ciNeeded?: number;
}

/**
 * Judges a budget honestly against the replication confidence interval (`replicationInterval`,
 * the one every report prints): it passes when the
 * whole 95% interval lies within the bound, fails when the whole interval lies beyond it, and
 * is inconclusive when the interval straddles it (or there is no interval: one replication).
 * For an inconclusive verdict it estimates the replications that would settle it: the interval
 * half-width shrinks as 1/√n, so n' ≈ n·(h / |mean − bound|)².
 */
export function judgeBudget(scenario: string, metric: string, op: '<=' | '>=', bound: number, text: string, s: Summary): BudgetResult {
  const value = get(s, metric);
  const ci = s.ci95[metric] ?? null;
  const n = s.replications;
  const needed = s.ciNeeded?.[metric];
  const base = { scenario, metric, op, bound, text, value, ci, replications: n, ...(needed !== undefined ? { ciNeeded: needed } : {}) };
  if (!Number.isFinite(value)) {
    return { ...base, verdict: 'fail', reason: `${metric} has no value in this run (nothing was measured)` };
  }
  const within = (x: number) => (op === '<=' ? x <= bound : x >= bound);
  if (!ci) {
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `one replication gives no confidence interval (the estimate ${within(value) ? 'meets' : 'misses'} the budget); run at least 2, e.g. --replications 5`,
    };
  }
  const [lo, hi] = ci;
  // A too-wide interval (summary.ciNeeded) still lies inside the metric's support and covers the
  // mean, so a verdict it settles stands; only a straddle needs more replications.
  if (within(lo) && within(hi)) return { ...base, verdict: 'pass', reason: `the 95% interval [${fmt(lo)}, ${fmt(hi)}] lies within ${text}` };
  if (!within(lo) && !within(hi)) return { ...base, verdict: 'fail', reason: `the 95% interval [${fmt(lo)}, ${fmt(hi)}] lies beyond ${text}` };
  // The interval may be skewed (log scale) or cut at the metric's edge; the wider side is the one to shrink.
  // a right-skewed interval (log scale) shrinks on the log scale: measure both there
  const skewed = lo > 0 && bound > 0 && hi - value > 1.5 * (value - lo);
  const half = skewed ? Math.log(hi / lo) / 2 : Math.max(hi - value, value - lo);
  const gap = skewed ? Math.abs(Math.log(value / bound)) : Math.abs(value - bound);
  const need = Math.max(gap > 0 ? Math.ceil(n * (half / gap) ** 2 * 1.1) : Infinity, s.ciNeeded?.[metric] ?? 0);
  // (from the wider side of a skewed interval the estimate is rough, so beyond 1,000 it says only that)
  const hint = !Number.isFinite(need) || need <= n
    ? 'the estimate sits on the budget: more replications will not settle it'
    : need > 1000 ? `over 1,000 replications would be needed to settle it (now ${n}): the replications disagree widely` : `about ${need} replications would settle it (now ${n})`;
  return { ...base, verdict: 'inconclusive', reason: `the 95% interval [${fmt(lo)}, ${fmt(hi)}] straddles ${text}; ${hint}` };
}

/** Judges every budget of a scenario. */
export function judgeBudgets(scenario: string, budgets: Record<string, { op: '<=' | '>='; value: number; text: string }>, s: Summary): BudgetResult[] {
  return Object.entries(budgets).map(([metric, b]) => judgeBudget(scenario, metric, b.op, b.value, b.text, s));
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
