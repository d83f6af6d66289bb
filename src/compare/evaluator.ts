import type { Scenario } from '../scenario/schema.js';
import type { ReplicationResult } from '../sim/replication.js';
import { summarize, type Summary } from '../sim/summary.js';
import type { FidelityEvaluator } from './screenedSearch.js';

/**
 * At most `n` tasks at a time, started in the order asked (FIFO), so that several knob searches
 * share the worker threads: each replication is one task on one thread, and two searches in
 * flight keep two cores busy where one search screening on one replication would leave one idle.
 */
export function slots(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let free = Math.max(1, n);
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((go) => waiting.push(go));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

/** Runs replication `replication` of a knob setting (one replication: `runReplications`' `only`). */
export type ReplicationRunner = (value: number, replication: number) => Promise<{ scenario: Scenario; result: ReplicationResult }>;

/**
 * A `FidelityEvaluator` over single replications: each (setting, replication) runs once, through
 * `limit`, and a setting's summary on its first k replications is `summarize` of those — the same
 * numbers a run of k replications gives (replication r draws from streams seeded by r alone).
 */
export function replicationEvaluator(run: ReplicationRunner, limit: <T>(task: () => Promise<T>) => Promise<T>): FidelityEvaluator {
  const cache = new Map<number, Map<number, Promise<{ scenario: Scenario; result: ReplicationResult }>>>();
  return async (value, replications) => {
    let reps = cache.get(value);
    if (!reps) cache.set(value, (reps = new Map()));
    const t0 = performance.now();
    const runs = [];
    for (let r = 0; r < replications; r++) {
      let p = reps.get(r);
      if (!p) {
        p = limit(() => run(value, r));
        reps.set(r, p);
      }
      runs.push(p);
    }
    const done = await Promise.all(runs);
    return summarize(done[0].scenario, done.map((d) => d.result), (performance.now() - t0) / 1000);
  };
}
