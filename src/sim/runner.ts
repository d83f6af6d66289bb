import { usableCores } from '../engine/cores.js';
import type { Scenario } from '../scenario/schema.js';
import type { PreparedInputs } from '../workload/build.js';
import { runReplication, type ReplicationResult, type StopRule } from './replication.js';
import { runOnWorkers } from './workerPool.js';

/** How replications are run. */
export interface RunOptions {
  /** Worker threads (0 = run in this thread). Default: min(replications, usable cores: CPUs allowed, capped by a cgroup CPU quota). */
  workers?: number;
  /**
   * Give each replication a helper thread for its far calendars (Engine `helper`). Default: when
   * the runner chooses the threads (no `workers`), there is a usable core for each helper, and
   * one is idle when the replication starts ('auto': src/engine/cores.ts).
   */
  helper?: boolean;
  /** Keep Prometheus-style histograms per interval (for `run --openmetrics`). */
  exportHistograms?: boolean;
  /** Called after each replication finishes. */
  onProgress?: (done: number, total: number) => void;
  /** Called with the simulated time of a single replication run in this thread (see `runReplication`). */
  onTime?: (simS: number, durationS: number) => void;
  /**
   * Run only these replication indices (each in [0, replications)), e.g. to screen a setting on
   * its first replication and add the rest later (`compare --policies`): replication r is the
   * same whichever others run with it. Results come in the order given.
   */
  only?: readonly number[];
  /** Stop each replication once its p99 verdict is certain (`runReplication`'s `stop`). */
  stop?: StopRule;
}

/**
 * Runs every replication of a scenario, on worker threads when there is more than one, and
 * returns the results ordered by replication index (so output does not depend on which thread
 * finished first).
 */
export async function runReplications(s: Scenario, inputs: PreparedInputs, opts: RunOptions = {}): Promise<ReplicationResult[]> {
  const which = opts.only ?? Array.from({ length: s.replications }, (_, r) => r);
  for (const r of which) if (!(Number.isInteger(r) && r >= 0 && r < s.replications)) throw new Error(`replication ${r}: expected an index from 0 to ${s.replications - 1}`);
  const n = which.length;
  const workers = Math.min(n, opts.workers ?? (n > 1 ? usableCores() : 0));
  const helper: boolean | 'auto' = opts.helper ?? (opts.workers === undefined && 2 * Math.max(1, workers) <= usableCores() ? 'auto' : false);
  const results: ReplicationResult[] = new Array(n);
  if (workers <= 0) {
    for (let i = 0; i < n; i++) {
      results[i] = runReplication(s, inputs, which[i], { helper, exportHistograms: opts.exportHistograms, onTime: n === 1 ? opts.onTime : undefined, stop: opts.stop });
      opts.onProgress?.(i + 1, n);
    }
    return results;
  }
  let done = 0;
  const tasks = which.map((replication, i) => ({ scenario: s, inputs, replication, helper, exportHistograms: opts.exportHistograms, stop: opts.stop, i }));
  await runOnWorkers<(typeof tasks)[number], ReplicationResult>(new URL('./worker.js', import.meta.url), tasks, workers, (t, r) => {
    results[t.i] = r;
    opts.onProgress?.(++done, n);
  });
  return results;
}
