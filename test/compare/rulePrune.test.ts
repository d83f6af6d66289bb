import { describe, expect, it } from 'vitest';
import { screenedCheapest } from '../../src/compare/screenedSearch.js';
import { pruningEvaluator, rivalBar, RuleLoses } from '../../src/compare/rulePrune.js';
import type { Summary } from '../../src/sim/summary.js';
import { fakeFleet, knob, meets, pool } from './fakeFleet.js';

describe('rivalBar', () => {
  it('is the least pool of settings met on every replication and run to the end', () => {
    const s = (p: number, replications: number, extra = {}) => ({ replications, cost: { pool: p }, ...extra }) as unknown as Summary;
    expect(rivalBar([{ summary: s(30, 2), meets: true }, { summary: s(20, 1), meets: true }, { summary: s(10, 2), meets: false }, { summary: s(25, 2), meets: true }], 2)).toBe(25);
    expect(rivalBar([{ summary: s(5, 2, { stoppedEarly: true }), meets: true }], 2)).toBe(Infinity);
    expect(rivalBar([], 2)).toBe(Infinity);
  });
});

describe('pruningEvaluator', () => {
  // the rule searched: its cliff at 1.5 (pool e^3 ≈ 20.1 there); the rival's pool: e^2 ≈ 7.39
  const bar = Math.exp(2);
  it('ends the search at a setting that misses on both replications at a pool over the bar, in fewer replications', async () => {
    for (const seed of [undefined, 1.6, 1.4]) {
      const plain = fakeFleet([1.5, 1.52]);
      const full = await screenedCheapest('oracle', knob, meets, plain.evaluate, 2, 6, 6, 0.01, 'bisect', true, seed);
      const f = fakeFleet([1.5, 1.52]);
      const seen = new Map<number, Summary>();
      const e = await screenedCheapest('oracle', knob, meets, pruningEvaluator(f.evaluate, meets, 2, bar, (v, s) => seen.set(v, s)), 2, 6, 6, 0.01, 'bisect', true, seed).catch((x) => x);
      expect(e, `seed ${seed}`).toBeInstanceOf(RuleLoses);
      const p = (e as RuleLoses).pruned;
      expect(p.poolCost).toBeGreaterThan(bar);
      expect(p.bar).toBe(bar);
      // it missed on both replications, and the rule's cheapest that meets costs more still
      const s = seen.get(p.value)!;
      expect((s as any).replications).toBe(2);
      expect(meets(s)).toBe(false);
      expect(pool(full.best.summary)).toBeGreaterThan(p.poolCost);
      expect(f.runs.length, `seed ${seed}`).toBeLessThan(plain.runs.length);
    }
  });

  it('a bar above the rule\'s cheapest prunes nothing: the search as without it', async () => {
    const a = fakeFleet([1.5, 1.52]);
    const b = fakeFleet([1.5, 1.52]);
    const plain = await screenedCheapest('oracle', knob, meets, a.evaluate, 2, 6, 6, 0.01, 'bisect', true, 1.4);
    const r = await screenedCheapest('oracle', knob, meets, pruningEvaluator(b.evaluate, meets, 2, 1e9, () => {}), 2, 6, 6, 0.01, 'bisect', true, 1.4);
    expect(r.best.value).toBe(plain.best.value);
    expect(b.runs).toEqual(a.runs);
  });

  it('a screen\'s miss the mean contradicts prunes nothing and the search goes on', async () => {
    // replication 0 crosses richer (1.85) than the mean: a screen miss at 1.8 (pool e^3.6 > bar) meets on both
    const f = fakeFleet([1.85, 1.0]);
    const seen = new Map<number, Summary>();
    const ev = pruningEvaluator(f.evaluate, meets, 2, bar, (v, s) => seen.set(v, s));
    const s = await ev(1.8, 1);
    expect(meets(s)).toBe(false);
    expect((seen.get(1.8) as any).replications).toBe(2);
    expect(meets(seen.get(1.8)!)).toBe(true);
  });
});
