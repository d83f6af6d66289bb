import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wallGuardMs } from '../cpuBudget.js';
// @ts-expect-error: a plain ES module shared with the recorder (node test/model/recordedRuns.mjs <dist>)
import { RUNS, recordScenario } from './recordedRuns.mjs';

/**
 * Every shipped scenario's figures — per replication, same seed: the metric tree (sessions,
 * latencies, concurrency, capacity, pool, costs, per template too) and digests of its time
 * series, latency histogram and pool targets — equal those recorded from the commit before the
 * fleet model was split into mechanism modules (bbdad62), with
 * `node test/model/recordedRuns.mjs /path/to/that/dist`. Engine timings are not results and are
 * not recorded. A change of the model's behaviour or of the order of its draws fails here; a
 * deliberate one re-records the fixtures and says why in its commit.
 */
describe('recorded outputs of the shipped scenarios', () => {
  const dist = join(process.cwd(), 'dist');
  for (const name of Object.keys(RUNS as Record<string, string[]>)) {
    it(`${name}: identical figures per replication`, async () => {
      const recorded = JSON.parse(readFileSync(join(process.cwd(), 'test/model/recorded', `${name}.json`), 'utf8'));
      const now = await recordScenario(dist, name);
      expect(now.sets).toEqual(recorded.sets);
      expect(now.replications.length).toBe(recorded.replications.length);
      for (let r = 0; r < now.replications.length; r++) expect(now.replications[r], `${name} replication ${r}`).toEqual(recorded.replications[r]);
    }, wallGuardMs(12)); // the costliest, zone-outage, takes ~11 s of CPU; wall time is the machine's
  }
});
