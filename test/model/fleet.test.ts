import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../helpers.js';

/** A random small scenario covering every mechanism of the core model. */
const scenarioArb = fc.record({
  rate: fc.double({ min: 0.5, max: 20, noNaN: true }),
  meanS: fc.double({ min: 0.2, max: 20, noNaN: true }),
  slots: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant('unlimited')),
  serverless: fc.boolean(),
  maxSlots: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant('unlimited')),
  threshold: fc.integer({ min: 0, max: 30 }),
  timeout: fc.oneof(fc.double({ min: 0.1, max: 20, noNaN: true }), fc.constant('never')),
  pool: fc.integer({ min: 0, max: 30 }),
  poolTier: fc.constantFrom('reserved', 'serverless'),
  throughput: fc.oneof(fc.double({ min: 1, max: 200, noNaN: true }), fc.constant('unlimited')),
  cold: fc.double({ min: 0.01, max: 5, noNaN: true }),
  warmup: fc.integer({ min: 0, max: 100 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

function yamlOf(p: fc.RecordValue<typeof scenarioArb> extends infer T ? T : never): string {
  const q = p as Record<string, unknown>;
  return `
seed: ${q.seed}
duration: 600
warmup: ${q.warmup}
output: { interval: 60 }
workload:
  arrivals: { poisson: { rate: ${q.rate} } }
  sessionDuration: { exponential: { mean: ${q.meanS} } }
infrastructure:
  scheduler: { throughput: ${q.throughput} }
  reserved: { slots: ${q.slots}, coldStart: { exponential: { mean: ${q.cold} } }, costPerSlotHour: 0.1 }
  serverless: { enabled: ${q.serverless}, maxSlots: ${q.maxSlots}, coldStart: ${q.cold / 2}, costPerSlotSecond: 0.0001 }
  overflow: { queueThreshold: ${q.threshold}, waitTimeout: ${q.timeout} }
  warmPool: { size: ${q.pool}, claimLatency: 50ms, tier: ${q.poolTier} }
`;
}

describe('fleet model invariants', () => {
  it('property: nothing is lost — arrived = completed + in flight + rejected, in every run', () => {
    fc.assert(
      fc.property(scenarioArb, (p) => {
        const [r] = simulate(yamlOf(p));
        const s = (r.metrics as any).sessions;
        const ok = s.arrived === s.completed + s.inFlight + s.rejected;
        const nonNegative = Object.values(r.metrics as any).every((v) => typeof v !== 'number' || !(v < 0));
        return ok && nonNegative && s.started <= s.arrived && s.warmHits + s.coldStarts === s.started;
      }),
      { numRuns: 60 },
    );
  });

  it('property: capacity is never negative and never above its limit', () => {
    fc.assert(
      fc.property(scenarioArb, (p) => {
        const [r] = simulate(yamlOf(p));
        const cap = (r.metrics as any).capacity;
        const slots = p.slots === 'unlimited' ? Infinity : p.slots;
        const maxS = !p.serverless ? 0 : p.maxSlots === 'unlimited' ? Infinity : p.maxSlots;
        for (const c of ['reservedBusy', 'serverlessBusy', 'poolReady', 'queue', 'concurrency'] as const) {
          if (Array.from(r.series[c]).some((v) => v < -1e-9)) return false;
        }
        return cap.reservedBusy.peak <= slots && cap.serverlessBusy.peak <= maxS;
      }),
      { numRuns: 40 },
    );
  });

  it('property: the same seed gives the same result; streams are per replication', () => {
    fc.assert(
      fc.property(scenarioArb, (p) => {
        const y = yamlOf(p);
        const a = simulate(y, 2);
        const b = simulate(y, 2);
        const strip = (x: typeof a) => JSON.stringify(x.map((r) => ({ m: r.metrics, s: Array.from(r.series.arrivals), e: r.events })));
        return strip(a) === strip(b);
      }),
      { numRuns: 15 },
    );
  });

  it('overflows at the queue threshold and at the wait timeout', () => {
    // One reserved slot held for a long time: the first session takes it; the next 3 wait
    // (threshold 3); later arrivals overflow at once; waiting ones overflow after 5 s.
    const [r] = simulate(`
duration: 100
workload:
  arrivals: { poisson: { rate: 1/s } }
  sessionDuration: 1000s
infrastructure:
  reserved: { slots: 1 }
  serverless: { enabled: true }
  overflow: { queueThreshold: 3, waitTimeout: 5s }
`);
    const m = r.metrics as any;
    expect(m.sessions.queued).toBeGreaterThan(3);
    // all but the first overflow, except up to 3 still inside their 5 s wait at the horizon
    expect(m.sessions.overflowed).toBeLessThanOrEqual(m.sessions.arrived - 1);
    expect(m.sessions.overflowed).toBeGreaterThanOrEqual(m.sessions.arrived - 1 - 3);
    expect(m.queueWait.p99).toBeLessThanOrEqual(5 * 1.01);
    expect(m.startLatency.max).toBeLessThanOrEqual(5 * 1.01);
    expect(m.capacity.reservedBusy.peak).toBe(1);
  });

  it('rejects only when serverless is full too', () => {
    const [r] = simulate(`
duration: 100
workload:
  arrivals: { poisson: { rate: 2/s } }
  sessionDuration: 1000s
infrastructure:
  reserved: { slots: 5 }
  serverless: { enabled: true, maxSlots: 10 }
  overflow: { queueThreshold: 0 }
`);
    const m = r.metrics as any;
    expect(m.sessions.started).toBe(15);
    expect(m.sessions.rejected).toBe(m.sessions.arrived - 15);
  });

  it('bills reserved slots for the whole measured window and serverless by the slot-second', () => {
    const [r] = simulate(`
duration: 2h
warmup: 1h
workload:
  arrivals: { poisson: { rate: 1/s } }
  sessionDuration: 10s
infrastructure:
  reserved: { slots: 0, costPerSlotHour: 1 }
  serverless: { enabled: true, costPerSlotSecond: 0.001 }
  overflow: { queueThreshold: 0 }
`);
    const m = r.metrics as any;
    expect(m.cost.reserved).toBe(0);
    // ≈ 3600 arrivals × 10 s × $0.001 = $36 (the level integral over the measured hour)
    expect(Math.abs(m.cost.serverless - m.capacity.serverlessBusy.mean * 3600 * 0.001)).toBeLessThan(1e-6);
    expect(m.cost.serverless / 36).toBeGreaterThan(0.9);
    expect(m.cost.serverless / 36).toBeLessThan(1.1);
    const [q] = simulate(`
duration: 2h
warmup: 1h
workload:
  arrivals: { poisson: { rate: 1/s } }
  sessionDuration: 10s
infrastructure:
  reserved: { slots: 50, costPerSlotHour: 0.5 }
`);
    expect((q.metrics as any).cost.reserved).toBeCloseTo(25, 9); // 50 slots × 1 h × $0.5
  });

  it('a smaller pool target releases ready sandboxes', async () => {
    const { Engine } = await import('../../src/engine/engine.js');
    const { Fleet } = await import('../../src/model/fleet.js');
    const { parseScenario } = await import('../../src/scenario/load.js');
    const { PoissonArrivals } = await import('../../src/workload/arrivals.js');
    const { Rng } = await import('../../src/random/rng.js');
    const s = parseScenario(`
duration: 100
workload:
  arrivals: { poisson: { rate: 0.001/s } }
  sessionDuration: 1s
infrastructure:
  reserved: { slots: 20, coldStart: 1s }
  warmPool: { size: 10 }
`);
    const e = new Engine();
    const f = new Fleet(e, s, new PoissonArrivals(0.001, new Rng(1)), 0);
    f.start();
    e.run(10);
    expect(f.metrics.poolReady.level).toBe(10);
    f.setPoolTarget(4);
    expect(f.metrics.poolReady.level).toBe(4);
    expect(f.metrics.reservedBusy.level).toBe(4);
    f.setPoolTarget(12);
    e.run(20);
    expect(f.metrics.poolReady.level).toBe(12);
  });
});
