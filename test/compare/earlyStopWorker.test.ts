import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../dist/scenario/load.js';
import { prepareInputs } from '../../dist/workload/build.js';
import { runReplications } from '../../dist/sim/runner.js';
import { countedArrivalsBound } from '../../dist/compare/earlyStop.js';

// from dist/: the worker thread loads dist/sim/worker.js
describe('the stop rule on a worker thread', () => {
  it('stops the same replication at the same simulated time, with the same floor, as in this thread', async () => {
    const s = loadScenario('scenarios/default.yaml', ['duration=1h', 'infrastructure.warmPool.size=0']);
    const inputs = prepareInputs(s, 'scenarios/default.yaml');
    const stop = { q: 0.99, aboveS: 2, maxCount: countedArrivalsBound(s, inputs, 1) };
    const here = await runReplications(s, inputs, { workers: 0, only: [1], stop });
    const there = await runReplications(s, inputs, { workers: 1, only: [1], stop });
    expect(here[0].stopped).toBeDefined();
    expect(there[0].stopped).toEqual(here[0].stopped);
    expect(there[0].metrics).toEqual(here[0].metrics);
  });
});
