import { describe, expect, it } from 'vitest';
import { simulate } from '../helpers.js';

const run = (burst: string) =>
  simulate(`
seed: 2
duration: 2000
warmup: 100
workload:
  arrivals: { poisson: { rate: 2/s } }
  sessionDuration: 30s
infrastructure:
  reserved: { slots: unlimited, coldStart: 10s }
  warmPool: { size: 5, claimLatency: 100ms }
${burst}
`)[0].metrics as any;

describe('start-up CPU burst', () => {
  it('cuts every cold start by its reduction and bills the extra CPU for each creation', () => {
    const off = run('');
    const on = run('  startupBurst: { coldStartReduction: 0.6, extraCpu: 2, duration: 10s, costPerCpuHour: 0.05 }');
    // a cold start of 10 s becomes 4 s; warm claims are untouched
    expect(off.startLatency.max).toBeCloseTo(10, 6);
    expect(on.startLatency.max).toBeCloseTo(4, 6);
    expect(on.startLatency.p50).toBeCloseTo(0.1, 3);
    // creations: every session start that was not a warm claim, plus one refill per claim
    const creations = on.sessions.coldStarts + on.sessions.warmHits;
    const expected = (creations * 2 * 10 * 0.05) / 3600;
    expect(on.cost.startupBurst / expected).toBeGreaterThan(0.98);
    expect(on.cost.startupBurst / expected).toBeLessThan(1.02);
    expect(off.cost.startupBurst).toBe(0);
    // faster refills keep the pool fuller: more warm hits
    expect(on.warmHitRate).toBeGreaterThan(off.warmHitRate);
  });
});
