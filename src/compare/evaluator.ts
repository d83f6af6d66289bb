import type { Scenario } from '../scenario/schema.js';
import type { ReplicationResult } from '../sim/replication.js';
import { summarize, type Summary } from '../sim/summary.js';
import type { FidelityEvaluator } from './screenedSearch.js';
import { stoppedEarly } from './policySearch.js';
import { noSessionWaited } from '../sim/poolOnly.js';

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

/**
 * Runs replication `replication` of a knob setting (one replication: `runReplications`' `only`),
 * stopping it once its p99 is certain to end above `stopAboveS` (undefined: to the end).
 */
export type ReplicationRunner = (value: number, replication: number, stopAboveS?: number) => Promise<{ scenario: Scenario; result: ReplicationResult }>;

/** A `FidelityEvaluator` that also counts the replications it ran (stopped ones and their reruns included). */
export interface CountingEvaluator extends FidelityEvaluator {
  runs: number;
}

/**
 * A `FidelityEvaluator` over single replications: each (setting, replication) runs once, through
 * `limit`, and a setting's summary on its first k replications is `summarize` of those — the same
 * numbers a run of k replications gives (replication r draws from streams seeded by r alone).
 *
 * With `budgetS` (a `startLatency.p99 ≤ budgetS` budget) and `mayStop`, a replication stops as
 * soon as the mean p99 over the k replications is certain to exceed the budget: replication r's
 * own floor must pass k·budget minus the p99s (or floors) of the others already known — one
 * replication: the budget itself. The summary of such a certain miss has `stoppedEarly: true`,
 * its p99 the mean of those floors and NaN costs (never chosen, never used for cost). When the
 * mean is not certain after all (one replication stopped, another met well), the stopped ones run
 * again to the end, and so does any asked for without `mayStop`: a summary without
 * `stoppedEarly` is always that of full runs.
 */
export function replicationEvaluator(run: ReplicationRunner, limit: <T>(task: () => Promise<T>) => Promise<T>, budgetS?: number): CountingEvaluator {
  type Run = { scenario: Scenario; result: ReplicationResult };
  const cache = new Map<number, Map<number, Promise<Run>>>();
  const p99 = (r: Run) => (r.result.stopped ? r.result.stopped.p99FloorS : (r.result.metrics.startLatency as Record<string, number>).p99);
  const evaluate = async (value: number, replications: number, mayStop = false): Promise<Summary> => {
    let reps = cache.get(value);
    if (!reps) cache.set(value, (reps = new Map()));
    const t0 = performance.now();
    const start = (r: number, stopAboveS?: number) => {
      const p = limit(() => run(value, r, stopAboveS));
      evaluate.runs++;
      reps!.set(r, p);
      return p;
    };
    const stopping = mayStop && budgetS !== undefined && Number.isFinite(budgetS);
    // what is known already, then the rest at once, each allowed to stop where the mean is sure to miss
    const known = new Map<number, Run>();
    for (let r = 0; r < replications; r++) {
      const p = reps.get(r);
      if (p) known.set(r, await p);
    }
    let sumKnown = 0;
    for (const k of known.values()) sumKnown += Number.isFinite(p99(k)) ? p99(k) : 0;
    const runs: Promise<Run>[] = [];
    for (let r = 0; r < replications; r++) runs.push(known.has(r) ? Promise.resolve(known.get(r)!) : start(r, stopping ? replications * budgetS! - sumKnown : undefined));
    let done = await Promise.all(runs);
    if (done.some((d) => d.result.stopped)) {
      const mean = done.reduce((a, d) => a + (Number.isFinite(p99(d)) ? p99(d) : 0), 0) / replications;
      if (stopping && mean > budgetS!) {
        const s = summarize(done[0].scenario, done.map((d) => d.result), (performance.now() - t0) / 1000);
        (s.startLatency as Record<string, number>).p99 = mean;
        const cost = s.cost as Record<string, number>;
        for (const k of Object.keys(cost)) if (typeof cost[k] === 'number') cost[k] = NaN;
        return Object.assign(s, { stoppedEarly: true, stoppedAtS: done.map((d) => (d.result.stopped ? d.result.stopped.atS : d.scenario.duration)) });
      }
      done = await Promise.all(done.map((d, r) => (d.result.stopped ? start(r) : Promise.resolve(d))));
    }
    return summarize(done[0].scenario, done.map((d) => d.result), (performance.now() - t0) / 1000);
  };
  evaluate.runs = 0;
  return evaluate;
}

/** A `FidelityEvaluator` screening on the warm pools' reduced model (`poolScreened`). */
export interface PoolScreenedEvaluator extends FidelityEvaluator {
  /** False once a full run showed a session waiting for capacity: screens are then the full model's first replication. */
  trusted: boolean;
}

/**
 * Screens (fewer than `replications`) on the warm pools' reduced model (`pools`, src/sim/poolOnly.ts)
 * on every replication, and everything else on the full model (`full`): a screen then reads the
 * mean of all the replications, as the confirmation will, at about a third of a full
 * replication's cost each on kimi-peak. The reduced model has no sessions' lifetimes, so its
 * costs other than the pool's are unknown (NaN; `costGap` reads the pool's) and its summary says
 * `poolOnly: true`. Only the full model's verdicts decide (the screened search confirms the
 * bracket's ends on it). Once a full run to the end shows a session that waited for capacity
 * (queued, overflowed, rejected: `noSessionWaited`), where the reduced model is not the pools'
 * model any more, the screens fall back to the full model's first replication.
 */
export function poolScreened(full: FidelityEvaluator, pools: FidelityEvaluator, replications: number): PoolScreenedEvaluator {
  const evaluate = async (value: number, k: number, mayStop = false): Promise<Summary> => {
    if (k < replications && evaluate.trusted) {
      const s = await pools(value, replications, mayStop);
      const cost = { ...(s.cost as Record<string, number>) };
      for (const key of Object.keys(cost)) if (key !== 'pool' && typeof cost[key] === 'number') cost[key] = NaN;
      return { ...s, cost, ci95: { ...s.ci95, 'cost.total': null }, poolOnly: true } as Summary;
    }
    const s = await full(value, k, mayStop);
    if (k >= replications && !stoppedEarly(s) && !noSessionWaited(s)) evaluate.trusted = false;
    return s;
  };
  evaluate.trusted = true;
  return evaluate;
}
