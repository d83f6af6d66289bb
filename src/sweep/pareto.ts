import { op, rolling, table } from 'arquero';
import type { SweepRow } from './results.js';

/**
 * The Pareto front of a sweep: the points no other point beats on both `cost.total` and
 * `startLatency.p99`, cheapest first. As arquero verbs: order the finite points by cost (then
 * p99), take the running minimum of p99, and keep each point whose p99 is below the running
 * minimum of the points before it. Points with equal cost and p99 count once, as the first in
 * `rows` (the sort is stable). O(n log n); test/sweep/pareto.test.ts checks it against the O(n²)
 * definition.
 */
export function paretoFront(rows: readonly SweepRow[]): SweepRow[] {
  return table({ row: rows, cost: rows.map((r) => r.metrics['cost.total']), p99: rows.map((r) => r.metrics['startLatency.p99']) })
    .filter((d) => op.is_finite(d.cost) && op.is_finite(d.p99))
    .orderby('cost', 'p99')
    .derive({ best: rolling((d: { p99: number }) => op.min(d.p99)) })
    .derive({ before: (d) => op.lag(d.best, 1, Infinity) })
    .filter((d) => d.p99 < d.before)
    .array('row') as SweepRow[];
}
