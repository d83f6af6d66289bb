import { describe, expect, it } from 'vitest';
import { cheapestSetting } from '../../src/compare/policySearch.js';
import { screenedCheapest } from '../../src/compare/screenedSearch.js';
import { replicationEvaluator, slots } from '../../src/compare/evaluator.js';
import type { Summary } from '../../src/sim/summary.js';
import type { ReplicationResult } from '../../src/sim/replication.js';
import { loadScenario } from '../../src/scenario/load.js';
import { fakeFleet, knob, meets, pool } from './fakeFleet.js';

describe('screenedCheapest', () => {
  it('finds the setting the search on every replication finds (within the tolerance) in fewer replications', async () => {
    for (const method of ['bisect', 'secant'] as const) {
      const a = fakeFleet([1.14, 1.16]);
      const plain = await cheapestSetting('little', knob, meets, (v) => a.evaluate(v, 2), 6, 6, 0.01, method);
      const b = fakeFleet([1.14, 1.16]);
      const scr = await screenedCheapest('little', knob, meets, b.evaluate, 2, 6, 6, 0.01, method);
      expect(scr.meetsBudget).toBe(true);
      // the kept setting was run on both replications and meets there
      expect((scr.best.summary as any).replications).toBe(2);
      expect(scr.best.value).toBeGreaterThanOrEqual(b.cliffMean);
      expect(pool(scr.best.summary) / Math.exp(2 * b.cliffMean)).toBeLessThanOrEqual(1.01);
      expect(Math.abs(pool(scr.best.summary) / pool(plain.best.summary) - 1)).toBeLessThanOrEqual(0.01);
      expect(scr.replicationsRun).toBe(b.runs.length);
      // bisection: 12 settings on two replications against 17 replications; secant 18 against 15
      expect(b.runs.length, method).toBeLessThan(a.runs.length * (method === 'bisect' ? 0.75 : 0.9));
    }
  });

  it('an optimistic first replication does not pass a setting that misses on both (the screen met, the mean missed)', async () => {
    // replication 0 meets from 1.00, replication 1 only from 1.40: the mean crosses near 1.3
    const f = fakeFleet([1.0, 1.4]);
    const r = await screenedCheapest('little', knob, meets, f.evaluate, 2, 6, 6, 0.01, 'secant');
    expect(r.meetsBudget).toBe(true);
    expect(meets(r.best.summary)).toBe(true);
    expect((r.best.summary as any).replications).toBe(2);
    expect(r.best.value).toBeGreaterThanOrEqual(f.cliffMean);
    expect(pool(r.best.summary) / Math.exp(2 * f.cliffMean)).toBeLessThanOrEqual(1.01);
    // the screen alone would have kept a setting below the cliff: the check is what moved it
    const screenOnly = await cheapestSetting('little', knob, meets, (v) => f.evaluate(v, 1), 6, 6, 0.01, 'secant');
    expect(screenOnly.best.value).toBeLessThan(f.cliffMean);
  });

  it('a pessimistic first replication does not cost the leaner setting that meets on both (the screen missed, the mean met)', async () => {
    const f = fakeFleet([1.4, 1.0]);
    const r = await screenedCheapest('little', knob, meets, f.evaluate, 2, 6, 6, 0.01, 'bisect');
    expect(meets(r.best.summary)).toBe(true);
    expect((r.best.summary as any).replications).toBe(2);
    expect(r.best.value).toBeGreaterThanOrEqual(f.cliffMean);
    // within 1% of the cheapest on both replications, not at the screen's richer cliff (~1.4: +20% pool)
    expect(pool(r.best.summary) / Math.exp(2 * f.cliffMean)).toBeLessThanOrEqual(1.01);
  });

  it('stops where the cost jumps at the cliff (no setting within the tolerance exists): no more replications than the plain search', async () => {
    // p99 steps from 0.05 s to 5 s at 1.2 on both replications, and the pool's cost jumps 3% there
    const fake = (v: number, k: number) => ({ replications: k, startLatency: { p99: v >= 1.2 ? 0.05 : 5 }, cost: { total: 100, pool: Math.exp(2 * v) * (v >= 1.2 ? 1.03 : 1) }, ci95: {} }) as unknown as Summary;
    const plain = await cheapestSetting('little', knob, meets, async (v) => fake(v, 2), 6, 6, 0.01);
    const r = await screenedCheapest('little', knob, meets, async (v, k) => fake(v, k), 2, 6, 6, 0.01);
    expect(r.best.value).toBeGreaterThanOrEqual(1.2);
    expect(r.best.value / 1.2).toBeLessThan(1.001);
    expect(r.replicationsRun).toBeLessThan(2 * plain.evaluations.length);
  });

  it('reports a miss only when the richest setting misses on every replication', async () => {
    // replication 0 misses even at the richest end (3.1 s), replication 1 meets everywhere: the mean meets at 8
    const f = fakeFleet([8.05, -5]);
    const r = await screenedCheapest('little', knob, meets, f.evaluate, 2, 6, 6, 0.05);
    expect(r.meetsBudget).toBe(true);
    const g = fakeFleet([20, 20]);
    const miss = await screenedCheapest('little', knob, meets, g.evaluate, 2, 6, 6, 0.05);
    expect(miss.meetsBudget).toBe(false);
    expect((miss.best.summary as any).replications).toBe(2);
    expect(miss.best.value).toBe(8);
  });

  it('without screening it is the plain search on every replication', async () => {
    const a = fakeFleet([1.14, 1.16]);
    const plain = await cheapestSetting('little', knob, meets, (v) => a.evaluate(v, 2), 6, 6, 0.01);
    const b = fakeFleet([1.14, 1.16]);
    const off = await screenedCheapest('little', knob, meets, b.evaluate, 2, 6, 6, 0.01, 'bisect', false);
    expect(off.best.value).toBe(plain.best.value);
    expect(off.replicationsRun).toBe(2 * plain.evaluations.length);
  });
});

describe('slots and replicationEvaluator', () => {
  it('runs at most n tasks at once, in the order asked', async () => {
    const limit = slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => limit(async () => {
      order.push(i);
      most = Math.max(most, ++running);
      await new Promise((go) => setTimeout(go, 5));
      running--;
      return i;
    });
    expect(await Promise.all([0, 1, 2, 3, 4].map(task))).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs each replication of a setting once and summarises the first k', async () => {
    const ran: string[] = [];
    const scenario = loadScenario('scenarios/default.yaml', []);
    const result = (v: number, r: number) => ({ replication: r, metrics: { startLatency: { p99: v + r } }, events: 10 }) as unknown as ReplicationResult;
    const ev = replicationEvaluator(async (v, r) => {
      ran.push(`${v}/${r}`);
      return { scenario, result: result(v, r) };
    }, slots(2));
    const one = await ev(3, 1);
    const both = await ev(3, 2);
    expect(ran).toEqual(['3/0', '3/1']);
    expect((one as any).startLatency.p99).toBe(3);
    expect((both as any).startLatency.p99).toBe(3.5);
    expect(both.replications).toBe(2);
  });
});
