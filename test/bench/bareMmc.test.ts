import { describe, expect, it } from 'vitest';
import { bareMmcCase } from '../../src/bench/bareMmc.js';
import { mmcMeanWait } from '../../src/queueing/erlang.js';

describe('the bench\'s bare M/M/c (the engine\'s floor)', () => {
  it('is an M/M/c: utilisation λ/(cμ) and the Erlang C mean wait, so its speed is the speed of the right model', () => {
    // c = 5 at ρ = 0.9 (waits matter), ~450k customers
    const r = bareMmcCase(100_000, 5, 4.5, 1);
    expect(r.arrived).toBeGreaterThan(440_000);
    expect(r.utilisation).toBeCloseTo(0.9, 2);
    const w = mmcMeanWait(5, 4.5, 1); // 1.525 s
    expect(Math.abs(r.meanWaitS - w) / w).toBeLessThan(0.08);
    // every event an arrival or an end: two a customer (the last few still in service)
    expect(r.events).toBeGreaterThanOrEqual(r.arrived + r.completed);
    expect(r.arrived - r.completed).toBeLessThan(100);
  });
});
