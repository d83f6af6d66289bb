import type { Scenario } from '../scenario/schema.js';
import { templatePlans } from '../model/templates.js';
import { stream } from '../random/rng.js';
import { makeArrivals, type PreparedInputs } from '../workload/build.js';

/**
 * The most counted starts replication `r` of a scenario can record: its arrivals from the
 * warm-up's end to the run's end, drawn from a second copy of the streams the fleet draws them
 * from (as the oracle's `futureArrivals` does). Each counted arrival starts at most once (a wake
 * is a wake latency, not a start; an evicted or lost session never starts again; fan-out clones
 * are not sessions), and the streams are seeded by (seed, replication, component) alone, so the
 * count is the same at every policy and setting — what lets `compare --policies` stop a run
 * whose p99 is already certain to miss the budget (LogHistogram.quantileFloor). Workload
 * arrivals and every template's own arrivals are both counted: an upper bound is all it needs.
 */
export function countedArrivalsBound(s: Scenario, inputs: PreparedInputs, r: number): number {
  const count = (a: { next(): number }) => {
    let n = 0;
    for (let x = a.next(); x <= s.duration; x = a.next()) if (x >= s.warmup) n++;
    return n;
  };
  let n = count(makeArrivals(s, inputs, stream(s.seed, r, 'workload.arrivals')));
  for (const t of templatePlans(s)) if (t.arrivals) n += count(makeArrivals(s, inputs, stream(s.seed, r, `templates.${t.name}.arrivals`), t.name));
  return n;
}
