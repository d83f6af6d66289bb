import { describe, expect, it } from 'vitest';
import { simulate } from '../helpers.js';

const TIDE = (policy: string) => `
seed: 3
duration: 8h
warmup: 1h
workload:
  arrivals: { tidal: { peak: 20/s, trough: 2/s, peakAt: 4h, period: 8h } }
  sessionDuration: { exponential: { mean: 60s } }
infrastructure:
  scheduler: { throughput: 200/s }
  reserved: { slots: unlimited, coldStart: 10s, costPerSlotHour: 0.02 }
  warmPool: { size: 50, claimLatency: 50ms, policy: ${policy} }
`;

describe('policies in the simulator', () => {
  it('a static policy is the same as no policy (the pool stays at its size)', () => {
    const [a] = simulate(TIDE('{ static: {} }'));
    const [b] = simulate(TIDE('{ static: {} }').replace(', policy: { static: {} }', ''));
    expect(a.metrics).toEqual(b.metrics);
  });

  it('reactive policies follow the tide: the pool target rises and falls with traffic', () => {
    for (const p of ['{ little: {} }', '{ hpa: {} }', '{ kpa: {} }']) {
      const [r] = simulate(TIDE(p));
      const t = Array.from(r.series.poolTarget);
      expect(Math.max(...t), p).toBeGreaterThan(2 * Math.min(...t.slice(60)));
      expect((r.metrics as any).warmHitRate, p).toBeGreaterThan(0.9);
    }
  });

  it('the oracle, knowing every arrival, misses almost nothing with a fixed lead time, on a smaller pool than static needs', () => {
    const [o] = simulate(TIDE('{ oracle: { slack: 2 } }'));
    expect((o.metrics as any).warmHitRate).toBeGreaterThan(0.995);
    const [s] = simulate(TIDE('{ static: {} }').replace('size: 50', 'size: 400'));
    expect((o.metrics as any).pool.ready.mean).toBeLessThan((s.metrics as any).pool.ready.mean);
  });

  it('the forecast policy runs on the history it has and sizes the pool from it', () => {
    const [f] = simulate(TIDE('{ forecast: { hitRate: 0.99 } }'));
    expect((f.metrics as any).warmHitRate).toBeGreaterThan(0.9);
    expect(Array.from(f.series.poolTarget).some((x) => x !== 50)).toBe(true);
  });
});
