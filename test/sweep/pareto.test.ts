import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront } from '../../src/sweep/pareto.js';
import type { SweepRow } from '../../src/sweep/results.js';

const row = (index: number, cost: number, p99: number): SweepRow => ({ index, values: { k: String(index) }, metrics: { 'cost.total': cost, 'startLatency.p99': p99 }, budgets: 'none' });

/**
 * The front by definition, in O(n²): a point with finite cost and p99 is on it when no other
 * point is at least as good on both and better on one, and no earlier point (in row order) has
 * exactly its cost and p99 (equal results count once, as the first); ordered by cost.
 */
function bruteFront(rows: readonly SweepRow[]): number[] {
  const c = (r: SweepRow) => r.metrics['cost.total'];
  const p = (r: SweepRow) => r.metrics['startLatency.p99'];
  const ok = rows.filter((r) => Number.isFinite(c(r)) && Number.isFinite(p(r)));
  return ok
    .filter((r, i) => !ok.some((s, j) => (c(s) <= c(r) && p(s) <= p(r) && (c(s) < c(r) || p(s) < p(r))) || (j < i && c(s) === c(r) && p(s) === p(r))))
    .sort((a, b) => c(a) - c(b))
    .map((r) => r.index);
}

/** Costs and p99s from a few values (so ties and duplicates are common), some not finite. */
const metric = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 6 }).map((x) => x / 2) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -0) }, { weight: 3, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) });

describe('the Pareto front of a sweep', () => {
  it('equals the brute-force O(n²) front (ties, duplicates, NaN and Infinity included)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(metric, metric), { maxLength: 60 }), (pts) => {
        const rows = pts.map(([cost, p99], i) => row(i, cost, p99));
        expect(paretoFront(rows).map((r) => r.index)).toEqual(bruteFront(rows));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps rows in any order as they come: equal results count once, the first', () => {
    const rows = [row(5, 2, 1), row(3, 1, 3), row(9, 2, 1), row(1, 3, 0.5), row(2, 3, 1), row(4, NaN, 0)];
    expect(paretoFront(rows).map((r) => r.index)).toEqual([3, 5, 1]);
    expect(paretoFront(rows)[1]).toBe(rows[0]); // the row itself, not a copy
    expect(paretoFront([])).toEqual([]);
  });
});
