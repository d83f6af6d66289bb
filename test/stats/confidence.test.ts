import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEstimate } from '../../src/report/format.js';
import { summaryTable } from '../../src/cli/format.js';
import { summaryTable as reportTable } from '../../src/report/table.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runReplication } from '../../src/sim/replication.js';
import { summarize } from '../../src/sim/summary.js';
import { replicationInterval } from '../../src/stats/confidence.js';
import { prepareInputs } from '../../src/workload/build.js';

describe('replicationInterval', () => {
  it('is the plain t-interval when that stays inside the support', () => {
    const iv = replicationInterval([10, 12, 14], { lo: 0, hi: Infinity });
    expect(iv.method).toBe('t');
    // mean 12, sd 2, t(2) = 4.303: 12 ± 4.969
    expect(iv.ci![0]).toBeCloseTo(7.031, 3);
    expect(iv.ci![1]).toBeCloseTo(16.969, 3);
    expect(iv.needed).toBeNull();
  });

  it('goes to the log scale above the floor for a skewed quantile', () => {
    // five p99s, one replication met a burst: t on the values would reach −0.06 s, below the 50 ms floor
    const iv = replicationInterval([0.3, 0.35, 0.4, 0.45, 1.6], { lo: 0.05, hi: Infinity });
    expect(iv.method).toBe('log-t');
    expect(iv.ci![0]).toBeGreaterThan(0.05);
    expect(iv.ci![0]).toBeCloseTo(0.05 + Math.exp(-0.8236 - 0.906), 2);
    expect(iv.ci![1]).toBeGreaterThan(iv.mean);
    expect(iv.needed).toBeNull();
  });

  it('says when replications are too few (the 0.0 ms … 106 s of issue 20) and stays inside the support', () => {
    // kimi-pool-like: two replications whose p99s differ 5×
    const iv = replicationInterval([2.6, 13], { lo: 0.05, hi: Infinity });
    expect(iv.method).toBe('t-clipped');
    expect(iv.ci![0]).toBe(0.05);
    expect(iv.needed).toBeGreaterThan(2);
    const rate = replicationInterval([0.97, 0.995, 0.999], { lo: 0, hi: 1 });
    expect(rate.ci![1]).toBeLessThanOrEqual(1);
    expect(rate.needed).toBeGreaterThan(3);
    const logit = replicationInterval([0.9, 0.93, 0.95, 0.96, 0.97, 0.975, 0.98, 0.985, 0.99, 0.995], { lo: 0, hi: 1 });
    expect(['t', 'logit-t']).toContain(logit.method);
    expect(logit.ci![1]).toBeLessThan(1);
    const cut = replicationInterval([0, 0, 0.003], { lo: 0, hi: 1 });
    expect(cut.method).toBe('t-clipped');
    expect(cut.ci![0]).toBe(0);
    expect(cut.needed).toBeGreaterThan(3);
  });

  it('gives no interval for one replication, and says 3 would do', () => {
    expect(replicationInterval([5])).toEqual({ mean: 5, ci: null, method: 'none', needed: 3 });
  });

  it('never leaves the support (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.boolean(),
        (lo, raw, bounded) => {
          const hi = bounded ? lo + 1 : Infinity;
          const values = raw.map((v) => (bounded ? lo + (v % 1) : lo + v));
          const iv = replicationInterval(values, { lo, hi });
          expect(iv.ci).not.toBeNull();
          expect(iv.ci![0]).toBeGreaterThanOrEqual(lo);
          expect(iv.ci![1]).toBeLessThanOrEqual(hi);
          expect(iv.ci![0]).toBeLessThanOrEqual(iv.ci![1]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Seconds from a formatted value ("50.0 ms", "1.4 s"). */
function seconds(text: string): number {
  const m = /^(-?[\d,.]+) (ms|s)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1].replace(/,/g, ''));
  return m[2] === 'ms' ? v / 1000 : v;
}

describe('intervals of random scenarios', () => {
  // Issue 20's Done-when: no reported interval (JSON, text table, report table) extends below a
  // metric's smallest possible value. The floor here is computed from what the test wrote (the
  // fastest of the claim latency and the fixed or uniform cold starts), not by the code under test.
  it('no interval in JSON or text goes below the fastest possible start, or outside [0, 1] for rates', () => {
    fc.assert(
      fc.property(
        fc.record({
          rate: fc.integer({ min: 1, max: 8 }),
          slots: fc.integer({ min: 20, max: 400 }),
          claimMs: fc.integer({ min: 10, max: 500 }),
          coldMin: fc.integer({ min: 1, max: 5 }),
          coldSpan: fc.integer({ min: 0, max: 20 }),
          pool: fc.integer({ min: 0, max: 30 }),
          serverless: fc.boolean(),
          serverlessMs: fc.integer({ min: 200, max: 3000 }),
          reps: fc.integer({ min: 2, max: 4 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        (p) => {
          const cold = p.coldSpan === 0 ? `${p.coldMin}s` : `{ uniform: { min: ${p.coldMin}s, max: ${p.coldMin + p.coldSpan}s } }`;
          const yaml = `name: prop
seed: ${p.seed}
duration: 20m
warmup: 2m
workload:
  arrivals: { poisson: { rate: ${p.rate}/s } }
  sessionDuration: { lognormal: { median: 1m, p99: 5m } }
infrastructure:
  reserved: { slots: ${p.slots}, coldStart: ${cold}, costPerSlotHour: 0.05 }
  serverless: { enabled: ${p.serverless}, coldStart: ${p.serverlessMs}ms, costPerSlotSecond: 0.00003 }
  overflow: { queueThreshold: 20, waitTimeout: 10s }
  warmPool: { size: ${p.pool}, claimLatency: ${p.claimMs}ms }
`;
          const s = parseScenario(yaml, '<prop>');
          const inputs = prepareInputs(s);
          const results = Array.from({ length: p.reps }, (_, r) => runReplication(s, inputs, r));
          const sum = summarize(s, results, 1);
          const floors = [p.coldMin, ...(p.pool > 0 ? [p.claimMs / 1000] : []), ...(p.serverless ? [p.serverlessMs / 1000] : [])];
          const floor = Math.min(...floors);
          for (const [path, ci] of Object.entries(sum.ci95)) {
            if (!ci) continue;
            const lo = path.startsWith('startLatency.') ? floor : 0;
            expect(ci[0], `${path} ${JSON.stringify(ci)}`).toBeGreaterThanOrEqual(lo - 1e-12);
            if (/Rate$|tilization$/.test(path)) expect(ci[1], path).toBeLessThanOrEqual(1);
            // the text the run table and the report table print (both use formatEstimate)
            if (path.startsWith('startLatency.')) {
              const text = formatEstimate(sum, path, 'seconds').ci;
              const m = /^(.+) … (.+)$/.exec(text);
              if (m) expect(seconds(m[1]), `${path}: ${text}`).toBeGreaterThanOrEqual(floor * 0.999);
            }
          }
          expect(summaryTable(sum)).not.toMatch(/ 0\.0 ms …/);
          // the report's summary table (report.html)
          for (const row of reportTable([{ variant: 'prop', summary: sum }]).objects() as Record<string, string>[]) {
            if (!/^(start latency mean|p50|p90|p99|max)$/.test(row.metric)) continue;
            const m = /^(.+) … (.+)$/.exec(row['95% CI']);
            if (m) expect(seconds(m[1]), `${row.metric}: ${row['95% CI']}`).toBeGreaterThanOrEqual(floor * 0.999);
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
