import { describe, expect, it } from 'vitest';
import { halvingRuns } from '../../src/cli/optimize.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runReplication } from '../../src/sim/replication.js';
import { prepareInputs } from '../../src/workload/build.js';

const YAML = `
name: slices
duration: 2h
warmup: 10m
workload:
  arrivals: { tidal: { peak: 30/s, trough: 5/s, period: 1h } }
  sessionDuration: { lognormal: { median: 40s, p99: 5m } }
  turns: { count: { exponential: { mean: 2 } }, think: { exponential: { mean: 30s } } }
infrastructure:
  reserved: { slots: 2000, coldStart: { lognormal: { median: 2s, p99: 8s } } }
  warmPool: { size: 40, policy: { little: {} } }
`;

describe('progress in simulated time', () => {
  it('a run reported in 500 slices fires the same events in the same order (byte-identical results)', () => {
    const s = parseScenario(YAML, 'slices');
    const inputs = prepareInputs(s);
    const times: number[] = [];
    const sliced = runReplication(s, inputs, 0, { helper: false, onTime: (t, n) => times.push(t / n) });
    const whole = runReplication(s, inputs, 0, { helper: false });
    expect(sliced.events).toBe(whole.events);
    expect(JSON.stringify(sliced.metrics)).toBe(JSON.stringify(whole.metrics));
    expect(JSON.stringify(sliced.poolTargets)).toBe(JSON.stringify(whole.poolTargets));
    expect(times).toHaveLength(500);
    expect(times[0]).toBeCloseTo(1 / 500, 9);
    expect(times.at(-1)).toBe(1);
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
  });
});

describe('halvingRuns: the most replications optimize runs', () => {
  it.each([
    // 8 candidates from 2 to 16 replications: 8×2 + 4×4 + 2×8 + 2×16, then the scenario as written at 16
    [8, 2, 16, 16 + 16 + 16 + 32 + 16],
    [1, 3, 16, 3 + 3],
    [3, 2, 4, 3 * 2 + 2 * 4 + 4],
  ])('%i candidates, %i to %i replications: %i', (n, start, max, runs) => {
    expect(halvingRuns(n, start, max)).toBe(runs);
  });
});
