import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../dist/scenario/load.js';
import { prepareInputs } from '../../dist/workload/build.js';
import { runReplications } from '../../dist/sim/runner.js';

// from dist/: the worker thread loads dist/sim/worker.js
describe('runReplications only', () => {
  it('runs the replications asked for, each the same as in a run of all (in this thread and on a worker)', async () => {
    const s = loadScenario('scenarios/default.yaml', ['duration=20m', 'warmup=2m', 'replications=3']);
    const inputs = prepareInputs(s, 'scenarios/default.yaml');
    const all = await runReplications(s, inputs, { workers: 0 });
    const two = await runReplications(s, inputs, { workers: 0, only: [2, 0] });
    expect(two.map((r) => r.replication)).toEqual([2, 0]);
    expect(two[0].metrics).toEqual(all[2].metrics);
    expect(two[1].metrics).toEqual(all[0].metrics);
    const onWorker = await runReplications(s, inputs, { workers: 1, only: [1] });
    expect(onWorker[0].metrics).toEqual(all[1].metrics);
    await expect(runReplications(s, inputs, { workers: 0, only: [3] })).rejects.toThrow(/replication 3: expected an index from 0 to 2/);
  });
});
