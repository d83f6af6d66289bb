import { describe, expect, it } from 'vitest';
import { simulate } from '../helpers.js';

const fan = (infra: string, fanout = '{ at: [100, 400, 700], size: 500, cloneLatency: 3s, duration: 60s }') => `
seed: 4
duration: 1000
workload:
  arrivals: { poisson: { rate: 1/s } }
  sessionDuration: 10s
  fanout: ${fanout}
infrastructure:
${infra}
`;

describe('cloning fan-out', () => {
  it('K clones with clone latency c and enough capacity complete in c', () => {
    const [r] = simulate(fan('  reserved: { slots: unlimited, coldStart: 20s }'));
    const f = (r.metrics as any).fanout;
    expect(f.count).toBe(3);
    expect(f.completed).toBe(3);
    expect(f.failed).toBe(0);
    expect(f.completion.mean).toBeCloseTo(3, 9); // exact: the mean keeps exact sums
    expect(Math.abs(f.completion.p99 / 3 - 1)).toBeLessThan(0.006); // quantiles: within the histogram's 0.5%
    // clones are not sessions: the session statistics see only the Poisson arrivals
    const s = (r.metrics as any).sessions;
    expect(s.arrived).toBeLessThan(1200);
    expect(s.arrived).toBe(s.completed + s.inFlight + s.rejected + s.lost);
    // but they hold capacity: 3 × 500 clones × (3 s + 60 s) of slots, plus sessions' 1/s × (20 s + 10 s)
    const busy = (r.metrics as any).capacity.reservedBusy.mean;
    expect(busy).toBeGreaterThan((3 * 500 * 63) / 1000 + 25);
    expect(busy).toBeLessThan((3 * 500 * 63) / 1000 + 35);
  });

  it('a scheduler placing μ pods a second completes a fan-out of K in K/μ + c', () => {
    const [r] = simulate(fan('  scheduler: { throughput: 250/s }\n  reserved: { slots: unlimited, coldStart: 20s }'));
    const f = (r.metrics as any).fanout;
    // 500 clones at 250/s: the last is placed 2 s in (behind at most a session or two)
    expect(f.completion.mean).toBeGreaterThan(3 + 2 - 1e-9);
    expect(f.completion.mean).toBeLessThan(3 + 2 + 0.02);
  });

  it('a Poisson rate of fan-outs; clones that find every tier full fail their fan-out', () => {
    const [ok] = simulate(fan('  reserved: { slots: unlimited }', '{ rate: 1/min, size: 20, cloneLatency: 1s, duration: 10s }').replace('duration: 1000', 'duration: 36000'));
    const n = (ok.metrics as any).fanout.count;
    expect(n).toBeGreaterThan(600 - 3 * Math.sqrt(600));
    expect(n).toBeLessThan(600 + 3 * Math.sqrt(600));
    const [full] = simulate(fan('  reserved: { slots: 100 }\n  serverless: { enabled: true, maxSlots: 100 }\n  overflow: { queueThreshold: 0 }'));
    const f = (full.metrics as any).fanout;
    expect(f.failed).toBe(3);
    expect(f.completed).toBe(0);
  });
});
