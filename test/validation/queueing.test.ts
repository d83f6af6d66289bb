import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, md1MeanWait, mmcMeanWait } from '../../src/queueing/erlang.js';
import { Z99 } from '../../src/random/distributions.js';
import { estimate, simulate } from '../helpers.js';

/**
 * The simulator against closed-form queueing results. Each check asks for both: the theory
 * inside the 95% confidence interval across independent replications, and a relative error
 * under 2%. Parameters sit where a wrong model would show: moderate-to-high load, several
 * servers, so an off-by-one slot, a LIFO queue, a lost refill or a biased sampler moves the
 * estimate by far more than 2%.
 */
function expectMatches(results: ReturnType<typeof simulate>, path: string, theory: number) {
  const e = estimate(results, path);
  const msg = `${path}: simulated ${e.mean} [${e.lo}, ${e.hi}] vs theory ${theory}`;
  expect(Math.abs(e.mean - theory) / theory, msg).toBeLessThan(0.02);
  expect(e.lo <= theory && theory <= e.hi, msg).toBe(true);
}

describe('M/M/c (Erlang C): reserved slots with a FIFO queue, no overflow', () => {
  // c = 10 slots, λ = 8/s, mean session 1 s: a = 8 Erlangs, ρ = 0.8.
  const results = simulate(
    `
duration: 20000
warmup: 500
replications: 10
workload:
  arrivals: { poisson: { rate: 8/s } }
  sessionDuration: { exponential: { mean: 1s } }
infrastructure:
  reserved: { slots: 10 }
`,
    10,
  );

  it('P(wait) equals Erlang C', () => {
    expectMatches(results, 'queuedRate', erlangC(10, 8)); // 0.4092
  });

  it('mean wait equals C(c, a) / (cμ − λ)', () => {
    expectMatches(results, 'queueWait.mean', mmcMeanWait(10, 8, 1)); // 0.2046 s
  });

  it("Little's law: mean queue length = λ · mean wait, mean concurrency = λ · E[D]", () => {
    for (const r of results) {
      const m = r.metrics as any;
      const lambda = m.sessions.arrived / (20000 - 500);
      expect(Math.abs(m.queue.mean - lambda * m.queueWait.mean) / m.queue.mean).toBeLessThan(0.02);
      expect(Math.abs(m.concurrency.mean - lambda * 1) / m.concurrency.mean).toBeLessThan(0.02);
    }
    expectMatches(results, 'queue.mean', 8 * mmcMeanWait(10, 8, 1));
  });
});

describe('Overflow with queueThreshold 0 (Erlang B)', () => {
  it('the overflow fraction equals Erlang B(c, λ/μ)', () => {
    // c = 12, a = 10 Erlangs (λ = 5/s, E[D] = 2 s, lognormal: Erlang B is insensitive to the shape).
    const results = simulate(
      `
duration: 20000
warmup: 500
workload:
  arrivals: { poisson: { rate: 5/s } }
  sessionDuration: { lognormal: { mu: ${Math.log(2) - 0.5 * 0.8 * 0.8}, sigma: 0.8 } }
infrastructure:
  reserved: { slots: 12 }
  serverless: { enabled: true, coldStart: 0 }
  overflow: { queueThreshold: 0, waitTimeout: never }
`,
      10,
    );
    expectMatches(results, 'overflowRate', erlangB(12, 10)); // 0.1197
  });
});

describe('Warm pool with unlimited capacity and a fixed cold start', () => {
  it('the hit rate equals 1 − ErlangB(size, λ·L)', () => {
    // size 10, λ = 4/s, L = 2 s: λL = 8, hit rate = 1 − B(10, 8) = 0.8784.
    const results = simulate(
      `
duration: 20000
warmup: 500
workload:
  arrivals: { poisson: { rate: 4/s } }
  sessionDuration: { exponential: { mean: 30s } }
infrastructure:
  reserved: { slots: unlimited, coldStart: 2s }
  warmPool: { size: 10, claimLatency: 50ms }
`,
      10,
    );
    expectMatches(results, 'warmHitRate', 1 - erlangB(10, 8));
    // Start latency is the claim latency on a hit and the cold start on a miss.
    const hit = 1 - erlangB(10, 8);
    expectMatches(results, 'startLatency.mean', hit * 0.05 + (1 - hit) * 2);
  });
});

describe('Scheduler (M/D/1)', () => {
  it('mean scheduling wait equals ρd / (2(1 − ρ))', () => {
    // throughput 10/s → d = 0.1 s; λ = 7.5/s → ρ = 0.75; Wq = 0.15 s.
    const results = simulate(
      `
duration: 20000
warmup: 500
workload:
  arrivals: { poisson: { rate: 7.5/s } }
  sessionDuration: { exponential: { mean: 1s } }
infrastructure:
  scheduler: { throughput: 10/s }
`,
      10,
    );
    expectMatches(results, 'scheduler.wait.mean', md1MeanWait(7.5, 0.1));
    expectMatches(results, 'scheduler.utilization', 0.75);
    // Start latency = scheduling wait + service time (cold start 0).
    expectMatches(results, 'startLatency.mean', md1MeanWait(7.5, 0.1) + 0.1);
  });
});

describe('M/G/∞', () => {
  it('mean concurrency equals λ · E[D] for a heavy-tailed duration', () => {
    // lognormal median 10 s, p99 60 s: E[D] = 10·exp(σ²/2) with σ = ln 6 / z99.
    const sigma = Math.log(6) / Z99;
    const ed = 10 * Math.exp((sigma * sigma) / 2);
    const results = simulate(
      `
duration: 20000
warmup: 500
workload:
  arrivals: { poisson: { rate: 3/s } }
  sessionDuration: { lognormal: { median: 10s, p99: 60s } }
infrastructure:
  reserved: { slots: unlimited, coldStart: { exponential: { mean: 3s } } }
`,
      10,
    );
    expectMatches(results, 'concurrency.mean', 3 * ed);
    expectMatches(results, 'startLatency.mean', 3);
  });
});
