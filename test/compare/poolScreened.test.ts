import { describe, expect, it } from 'vitest';
import { poolScreened } from '../../src/compare/evaluator.js';
import { screenedCheapest } from '../../src/compare/screenedSearch.js';
import type { Summary } from '../../src/sim/summary.js';
import { fakeFleet, knob, meets, pool } from './fakeFleet.js';

/** A fake fleet's full model, with `waited` sessions queued in every full run (0: the reduced model's condition holds). */
function fullModel(cliff: number[], waited = 0) {
  const f = fakeFleet(cliff);
  const calls: [number, number][] = [];
  const evaluate = async (v: number, k: number): Promise<Summary> => {
    calls.push([v, k]);
    const s = (await f.evaluate(v, k)) as any;
    return { ...s, sessions: { queued: waited, overflowed: 0, rejected: 0 }, queue: { peak: waited } } as Summary;
  };
  return { evaluate, calls, cliffMean: f.cliffMean };
}

describe('poolScreened', () => {
  it('screens on the reduced model on every replication and confirms on the full model: the same setting within the tolerance', async () => {
    // the reduced model is a close screen: its cliffs 0.2% off the full model's
    const full = fullModel([1.14, 1.16]);
    const pools = fakeFleet([1.142, 1.162]);
    const asked: number[] = [];
    const screen = async (v: number, k: number) => {
      asked.push(k);
      return pools.evaluate(v, k);
    };
    const ev = poolScreened(full.evaluate, screen, 2);
    const r = await screenedCheapest('little', knob, meets, ev, 2, 6, 6, 0.01, 'bisect');
    expect(r.meetsBudget).toBe(true);
    // every screen read both replications of the reduced model; the full model only confirmed
    expect(asked.every((k) => k === 2)).toBe(true);
    expect(full.calls.every(([, k]) => k === 2)).toBe(true);
    expect(full.calls.length).toBeLessThanOrEqual(3);
    // the kept setting is a full run's that meets, within 1% of the cheapest on the full model
    expect((r.best.summary as any).poolOnly).toBeUndefined();
    expect(r.best.value).toBeGreaterThanOrEqual(full.cliffMean);
    expect(pool(r.best.summary) / Math.exp(2 * full.cliffMean)).toBeLessThanOrEqual(1.01);
    // screens carry the pool's cost only: the nodes' bill is the full model's
    const screened = r.evaluations.find((e) => (e.summary as any).poolOnly)!;
    expect(Number.isNaN((screened.summary as any).cost.total)).toBe(true);
    expect(Number.isFinite((screened.summary as any).cost.pool)).toBe(true);
    expect(ev.trusted).toBe(true);
  });

  it('falls back to the full model\'s first replication once a full run shows a session waiting for capacity', async () => {
    const full = fullModel([1.14, 1.16], 3);
    // a reduced model far off (it cannot see the capacity the sessions wait for)
    const pools = fakeFleet([0.5, 0.5]);
    let afterFull = 0;
    const ev = poolScreened(full.evaluate, (v, k) => {
      if (full.calls.length > 0) afterFull++;
      return pools.evaluate(v, k);
    }, 2);
    const r = await screenedCheapest('little', knob, meets, ev, 2, 6, 6, 0.01, 'bisect');
    expect(ev.trusted).toBe(false);
    // after the first full run the reduced model is not asked again
    expect(afterFull).toBe(0);
    expect(r.meetsBudget).toBe(true);
    expect((r.best.summary as any).replications).toBe(2);
    expect(r.best.value).toBeGreaterThanOrEqual(full.cliffMean);
    expect(pool(r.best.summary) / Math.exp(2 * full.cliffMean)).toBeLessThanOrEqual(1.01);
  });
});
