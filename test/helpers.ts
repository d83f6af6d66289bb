import { Engine } from '../src/engine/engine.js';
import { Fleet } from '../src/model/fleet.js';
import { stream } from '../src/random/rng.js';
import { parseScenario } from '../src/scenario/load.js';
import { runReplication, type ReplicationResult } from '../src/sim/replication.js';
import { get } from '../src/sim/summary.js';
import { meanCI95 } from '../src/stats/confidence.js';
import { makeArrivals, prepareInputs } from '../src/workload/build.js';

/** Runs `reps` replications of a YAML scenario in this thread. */
export function simulate(yaml: string, reps = 1, sets: string[] = []): ReplicationResult[] {
  const s = parseScenario(yaml, '<test>', sets);
  const inputs = prepareInputs(s);
  return Array.from({ length: reps }, (_, r) => runReplication(s, inputs, r));
}

/** Mean and 95% CI of a metric across replications. */
export function estimate(results: ReplicationResult[], path: string): { mean: number; lo: number; hi: number } {
  const m = meanCI95(results.map((r) => get(r.metrics, path)));
  return { mean: m.mean, lo: m.ci![0], hi: m.ci![1] };
}

/** A fleet built as replication 0 builds it, started, with its engine: for tests that look inside (counters, the session table). */
export function startFleet(yaml: string): { fleet: Fleet; engine: Engine; durationS: number } {
  const s = parseScenario(yaml, '<test>');
  const engine = new Engine();
  const fleet = new Fleet(engine, s, makeArrivals(s, prepareInputs(s), stream(s.seed, 0, 'workload.arrivals')), 0);
  fleet.start();
  return { fleet, engine, durationS: s.duration };
}
