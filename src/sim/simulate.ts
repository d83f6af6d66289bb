import type { Scenario } from '../scenario/schema.js';
import { loadScenario } from '../scenario/load.js';
import { prepareInputs } from '../workload/build.js';
import type { ReplicationResult, StopRule } from './replication.js';
import { runReplications } from './runner.js';
import { summarize, type Summary } from './summary.js';
import { poolOnlyScenario } from './poolOnly.js';
import { availableParallelism } from 'node:os';
import { checkWork, defaultLimits, estimateWork, type WorkLimits } from './workEstimate.js';

/** A scenario file run end to end. */
export interface Simulated {
  file: string;
  scenario: Scenario;
  results: ReplicationResult[];
  summary: Summary;
  /** What the user should know about how their input was used. */
  notes: string[];
}

/**
 * Loads a scenario file (with `--set` overrides), runs its replications and summarises them;
 * `poolOnly`: the warm pools' reduced model of it where that applies (`poolOnlyScenario`).
 */
export async function simulateFile(
  file: string,
  sets: readonly string[],
  opts: { workers?: number; onProgress?: (done: number, total: number) => void; onTime?: (simS: number, durationS: number) => void; limits?: Partial<WorkLimits>; exportHistograms?: boolean; only?: readonly number[]; stop?: StopRule; poolOnly?: boolean } = {},
): Promise<Simulated> {
  const loaded = loadScenario(file, [...sets]);
  const inputs = prepareInputs(loaded, file);
  // the warm pools' reduced model (a screen for compare --policies), where the reduction applies
  const scenario = (opts.poolOnly && poolOnlyScenario(loaded)) || loaded;
  // refuse before starting what would not finish or not fit (one line, exit 2)
  checkWork(file, scenario, estimateWork(scenario, inputs, opts.workers === 0 ? 1 : availableParallelism()), { ...defaultLimits(), ...opts.limits });
  const t0 = performance.now();
  const results = await runReplications(scenario, inputs, opts);
  const summary = summarize(scenario, results, (performance.now() - t0) / 1000);
  return { file, scenario, results, summary, notes: inputs.notes };
}
