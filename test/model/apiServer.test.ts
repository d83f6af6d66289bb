import { describe, expect, it } from 'vitest';
import { simulate } from '../helpers.js';

describe('API server rate limit (control plane)', () => {
  it('creates and deletes share one FIFO server: utilisation 2λ/R, and create calls wait as in M/D/1', () => {
    // Poisson arrivals λ = 40/s, each a create and (at its end) a delete: calls ≈ Poisson 2λ into a
    // server of R = 100/s: ρ = 0.8, M/D/1 wait Wq = ρ / (2R(1 − ρ)) = 0.02 s, plus the call's 10 ms
    const [r] = simulate(`
seed: 8
duration: 4000
warmup: 400
workload:
  arrivals: { poisson: { rate: 40/s } }
  sessionDuration: { exponential: { mean: 100s } }
infrastructure:
  scheduler: { apiRate: 100/s }
  reserved: { slots: unlimited, coldStart: 1s }
`);
    const a = (r.metrics as any).api;
    expect(a.utilization).toBeGreaterThan(0.8 * 0.98);
    expect(a.utilization).toBeLessThan(0.8 * 1.02);
    const expected = 0.8 / (2 * 100 * 0.2) + 0.01;
    expect(a.createWait.mean / expected).toBeGreaterThan(0.9);
    expect(a.createWait.mean / expected).toBeLessThan(1.1);
    // the start latency carries the wait: cold start + create call
    expect((r.metrics as any).startLatency.mean).toBeCloseTo(1 + a.createWait.mean, 2);
  });

  it('a fan-out of K clones behind an API rate R completes in K/R + c (the scheduler unlimited)', () => {
    const [r] = simulate(`
duration: 600
workload:
  arrivals: { poisson: { rate: 0.01/s } }
  sessionDuration: 1s
  fanout: { at: [100], size: 1000, cloneLatency: 2s, duration: 60s }
infrastructure:
  scheduler: { apiRate: 200/s }
  reserved: { slots: unlimited }
`);
    const f = (r.metrics as any).fanout;
    expect(f.completion.mean).toBeGreaterThan(1000 / 200 + 2 - 1e-9);
    expect(f.completion.mean).toBeLessThan(1000 / 200 + 2 + 0.02);
  });
});
