import { describe, expect, it } from 'vitest';

// The helper thread is a worker module: these use the build (npm test builds first).
const D = '../../dist';

const SCENARIO = `
name: helper-parity
seed: 7
duration: 900
warmup: 60
workload:
  arrivals: { tidal: { peak: 150/s, trough: 60/s, peakAt: 600, noise: 0.05, step: 60 } }
  sessionDuration: { lognormal: { median: 60s, p99: 10m } }
  turns: { count: { exponential: { mean: 2 } }, active: { lognormal: { median: 20s, p99: 3m } }, think: { lognormal: { median: 10s, p99: 10m } } }
infrastructure:
  scheduler: { throughput: 500/s }
  reserved: { coldStart: { lognormal: { median: 2s, p99: 8s } }, nodes: { min: 100, max: 400, initial: 150, slotsPerNode: 64, provision: 60s, scaleInAfter: 5m, costPerNodeHour: 1 } }
  serverless: { enabled: true, coldStart: { lognormal: { median: 800ms, p99: 3s } } }
  overflow: { queueThreshold: 50, waitTimeout: 10s }
  warmPool: { claimLatency: 50ms }
  hibernation: { idleTimeout: 60s, wakeLatency: { lognormal: { median: 2s, p99: 5s } } }
templates:
  small: { share: 0.7, warmPool: { size: 300 } }
  big: { share: 0.3, size: 2, warmPool: { size: 100 } }
`;

describe('the engine helper thread (far calendars sorted on a second core)', () => {
  it('gives a large fleet (≥ 5,000 sessions live) exactly the run it has without it', async () => {
    const { parseScenario } = await import(`${D}/scenario/load.js`);
    const { runReplication } = await import(`${D}/sim/replication.js`);
    const { prepareInputs } = await import(`${D}/workload/build.js`);
    const s = parseScenario(SCENARIO, 'helper-parity');
    const without = runReplication(s, prepareInputs(s), 0, { helper: false });
    const withHelper = runReplication(s, prepareInputs(s), 0, { helper: true });
    expect(without.events).toBeGreaterThan(200_000);
    expect((without.metrics as { sessions: { hibernations: number } }).sessions.hibernations).toBeGreaterThan(1000);
    expect(withHelper.events).toBe(without.events);
    expect(withHelper.metrics).toEqual(without.metrics);
    expect(withHelper.series).toEqual(without.series);
    expect(withHelper.latency).toEqual(without.latency);
    expect(without.helper.used).toBe(false);
    expect(withHelper.helper.used).toBe(true);
  });

  it('gives the same run when the helper is dropped mid-run (samplers continue in place, far events taken back)', async () => {
    const { parseScenario } = await import(`${D}/scenario/load.js`);
    const { runReplication } = await import(`${D}/sim/replication.js`);
    const { prepareInputs } = await import(`${D}/workload/build.js`);
    const s = parseScenario(SCENARIO, 'helper-parity');
    const without = runReplication(s, prepareInputs(s), 0, { helper: false });
    for (const dropAt of [0.5, 333.3]) {
      const dropped = runReplication(s, prepareInputs(s), 0, { helper: true, dropHelperAtS: dropAt });
      expect(dropped.helper.used).toBe(true);
      // at the time asked, or sooner when the helper's own account found it costing more than it saved (a busy machine)
      expect(dropped.helper.droppedAtS).toBeLessThanOrEqual(dropAt);
      expect(dropped.events).toBe(without.events);
      expect(dropped.metrics).toEqual(without.metrics);
      expect(dropped.series).toEqual(without.series);
      expect(dropped.latency).toEqual(without.latency);
    }
  });
});
