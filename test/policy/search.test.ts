import { describe, expect, it } from 'vitest';
import { cheapest, cheapestSetting, type Evaluation, type Knob } from '../../src/compare/policySearch.js';
import type { Summary } from '../../src/sim/summary.js';

/** A fake fleet: p99 falls as the pool grows; total cost is fixed (a fixed reserved baseline), pool cost grows. */
function summary(size: number): Summary {
  return { scenario: 's', seed: 1, replications: 2, startLatency: { p99: size >= 37 ? 0.05 : 5 }, cost: { total: 100, pool: size }, ci95: {}, engine: { events: 0, wallSeconds: 0, eventsPerSecond: 0 } } as unknown as Summary;
}

describe('cheapestSetting', () => {
  it('bisects to the smallest setting meeting the budget and, at equal total cost, keeps the leaner pool', async () => {
    const knob: Knob = { key: 'infrastructure.warmPool.size', lo: 0, hi: 100, up: true, integer: true };
    const tried: number[] = [];
    const r = await cheapestSetting('static', knob, (s) => (s as any).startLatency.p99 <= 2, async (v) => {
      tried.push(v);
      return summary(v);
    }, 8);
    expect(r.meetsBudget).toBe(true);
    expect(r.best.value).toBe(37);
    expect(tried[0]).toBe(100); // the capacious end first
  });

  it('bisects a hit-rate goal on log(1 − goal): a boundary at 0.997 is found to within 10% of its miss rate', async () => {
    const knob: Knob = { key: 'x.hitRate', lo: 0.5, hi: 0.9999, up: true, integer: false, scale: 'miss' };
    // a pool that grows as the goal's miss rate falls; the budget is met from 0.997 up
    const fake = (v: number) => ({ ...summary(v >= 0.997 ? 100 : 0), cost: { total: 100, pool: -Math.log(1 - v) } }) as unknown as Summary;
    const r = await cheapestSetting('forecast', knob, (s) => (s as any).startLatency.p99 <= 2, async (v) => fake(v), 8);
    expect(r.best.value).toBeGreaterThanOrEqual(0.997);
    expect((1 - r.best.value) / (1 - 0.997)).toBeGreaterThan(0.9);
    // linear bisection with the same steps stops at a coarser point
    const lin = await cheapestSetting('forecast', { ...knob, scale: 'linear' }, (s) => (s as any).startLatency.p99 <= 2, async (v) => fake(v), 8);
    expect((1 - lin.best.value) / (1 - 0.997)).toBeLessThan(0.9);
  });

  it('goes on past its steps while the bracket still differs in cost by more than the tolerance (a p99 cliff)', async () => {
    const knob: Knob = { key: 'x.scale', lo: 0.05, hi: 2, up: true, integer: false, scale: 'log' };
    // p99 meets from 0.8123 up; the pool's cost climbs steeply there (a tenth of the knob: twice the cost)
    const fake = (v: number) => ({ ...summary(v >= 0.8123 ? 100 : 0), cost: { total: 100, pool: Math.exp(7 * v) } }) as unknown as Summary;
    const meets = (s: Summary) => (s as any).startLatency.p99 <= 2;
    const fixed = await cheapestSetting('oracle', knob, meets, async (v) => fake(v), 6, 0);
    const refined = await cheapestSetting('oracle', knob, meets, async (v) => fake(v), 6);
    const pool = (r: typeof fixed) => (r.best.summary as any).cost.pool;
    // six steps leave the bracket ~6% wide on the knob: up to ~40% on the pool's cost
    expect(pool(fixed) / Math.exp(7 * 0.8123)).toBeGreaterThan(1.05);
    // refined until both ends are within 5% in cost: the chosen setting is within 5% of the cheapest
    expect(pool(refined) / Math.exp(7 * 0.8123)).toBeLessThanOrEqual(1.05);
    expect(refined.best.value).toBeGreaterThanOrEqual(0.8123);
    expect(refined.evaluations.length).toBeGreaterThan(fixed.evaluations.length);
    expect(refined.evaluations.length).toBeLessThanOrEqual(2 + 12);
    // the tolerance is the caller's (compare --search-tolerance): 1% lands within 1% of the
    // cheapest, where 30% stops at the fixed steps' coarser point
    const loose = await cheapestSetting('oracle', knob, meets, async (v) => fake(v), 6, 6, 0.3);
    const tight = await cheapestSetting('oracle', knob, meets, async (v) => fake(v), 6, 6, 0.01);
    expect(pool(loose)).toBe(pool(fixed));
    expect(pool(tight) / Math.exp(7 * 0.8123)).toBeLessThanOrEqual(1.01);
    expect(tight.evaluations.length).toBeGreaterThan(loose.evaluations.length);
  });

  it('secant: lands within the tolerance of the cheapest in fewer evaluations where p99 moves smoothly near the budget', async () => {
    const knob: Knob = { key: 'x.headroom', lo: 0.25, hi: 8, up: true, integer: false, scale: 'log' };
    // p99 falls 20× per unit of headroom through the budget at 1.1489, floored at the claim (0.05 s) and capped at 9 s
    const p99 = (v: number) => Math.min(9, Math.max(0.05, 2 * Math.exp(-3 * Math.log(20) * (v - 1.1489))));
    const fake = (v: number) => ({ ...summary(0), startLatency: { p99: p99(v) }, cost: { total: 100, pool: Math.exp(2 * v) } }) as unknown as Summary;
    const meets = (s: Summary) => (s as any).startLatency.p99 <= 2;
    const bisect = await cheapestSetting('little', knob, meets, async (v) => fake(v), 6, 6, 0.01);
    const secant = await cheapestSetting('little', knob, meets, async (v) => fake(v), 6, 6, 0.01, 'secant');
    const pool = (r: typeof bisect) => (r.best.summary as any).cost.pool;
    for (const r of [bisect, secant]) {
      expect(r.best.value).toBeGreaterThanOrEqual(1.1489);
      expect(pool(r) / Math.exp(2 * 1.1489)).toBeLessThanOrEqual(1.01);
    }
    expect(secant.evaluations.length).toBeLessThan(bisect.evaluations.length);
    // aimed past the line's crossing once the bracket is within 4 tolerance widths: 9 evaluations
    // against bisection's 12 (as the secant aimed at the crossing itself)
    expect([secant.evaluations.length, bisect.evaluations.length]).toEqual([9, 12]);
    // and on a pure cliff (p99 5 s or 0.05 s, nothing in between) it still brackets it within the tolerance
    const cliff = (v: number) => ({ ...summary(v >= 0.8123 ? 100 : 0), cost: { total: 100, pool: Math.exp(7 * v) } }) as unknown as Summary;
    const step = await cheapestSetting('oracle', { ...knob, lo: 0.05, hi: 2 }, meets, async (v) => cliff(v), 6, 6, 0.01, 'secant');
    expect(step.best.value).toBeGreaterThanOrEqual(0.8123);
    expect((step.best.summary as any).cost.pool / Math.exp(7 * 0.8123)).toBeLessThanOrEqual(1.01);
  });

  it('reports when even the most capacious setting misses', async () => {
    const knob: Knob = { key: 'x', lo: 0.1, hi: 1, up: false, integer: false };
    const r = await cheapestSetting('hpa', knob, () => false, async () => summary(0));
    expect(r.meetsBudget).toBe(false);
    expect(r.best.value).toBe(0.1);
    expect(r.evaluations).toHaveLength(1);
  });
});

describe('cheapest', () => {
  const at = (total: number, ci: number | null, pool: number): Evaluation => ({
    key: 'k',
    value: pool,
    meets: true,
    summary: { cost: { total, pool }, ci95: { 'cost.total': ci === null ? null : [total - ci, total + ci] } } as unknown as Summary,
  });
  it('picks the lowest total cost, and among totals the replications cannot tell from it, the leanest pool', () => {
    // node costs vary by chance by ±$40 between settings; the pools differ by a few dollars
    const a = at(88_010, 60, 36.7);
    const b = at(87_992, 60, 30.0);
    const c = at(88_005, 60, 29.0);
    const d = at(88_100, 60, 20.0); // beyond the interval of the lowest total: dearer, however lean
    expect(cheapest([a, b, c, d])).toBe(c);
    // with intervals narrower than the differences (or one replication: none), total cost decides
    expect(cheapest([at(88_010, 1, 36.7), at(87_992, 1, 30.0), at(88_005, 1, 29.0)]).summary).toMatchObject({ cost: { pool: 30.0 } });
    expect(cheapest([at(100, null, 5), at(101, null, 1)]).summary).toMatchObject({ cost: { pool: 5 } });
    // equal totals (a fixed reserved baseline): the leaner pool
    expect(cheapest([at(100, null, 5), at(100, null, 1)]).summary).toMatchObject({ cost: { pool: 1 } });
  });
});
