import { describe, expect, it } from 'vitest';
import { FileSource } from '../../src/scaler/fileSource.js';
import { runReplay, startScaler } from '../../src/scaler/run.js';
import { parityConfig, simulatorTargets, TRACE } from './fixtures.js';

describe('sim-to-live parity', () => {
  it('replaying the trace through the scaler (file source, simulated clock) decides exactly what the simulator decided', async () => {
    const sim = simulatorTargets();
    const c = parityConfig(sim.leadTimeS, `{ file: { path: ${TRACE} } }`);
    const source = FileSource.open(TRACE);
    const r = await startScaler(c, { source, log: () => {} });
    const live = (await runReplay(r, c.interval, source.startS, source.endS)).map((d) => d.target);
    await r.close();
    const n = Math.min(sim.targets.length, live.length);
    expect(n).toBeGreaterThan(220);
    expect(Math.abs(sim.targets.length - live.length)).toBeLessThanOrEqual(1);
    // decision by decision, and not a constant: the policy moved the pool many times
    expect(live.slice(0, n)).toEqual(sim.targets.slice(0, n));
    expect(new Set(live).size).toBeGreaterThan(10);
  });
});
