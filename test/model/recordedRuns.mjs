// Runs the shipped scenarios replication by replication with a given build (dist folder) and
// prints their figures as JSON: the recorder of test/model/recorded/*.json and the check in
// recordedOutputs.test.ts use the same runs. Usage: node recordedRuns.mjs <dist> [scenario-name]
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What each shipped scenario is run with (its file is scenarios/<name>.yaml, before any `~`): the
 * kimi-* days shortened as test/cli/run.test.ts does, the week-long enterprise scenario cut to a
 * day; and two variants of default for the mechanisms no shipped scenario switches on
 * (evict-on-pressure with multi-turn sessions; a serverless warm pool with a serverless cap).
 * All together take ~30 s of CPU.
 */
export const RUNS = {
  'azure-code-replay': [],
  default: [],
  'default~evict': ['duration=1h', 'replications=2', 'workload.turns={count: {exponential: {mean: 3}}, active: {exponential: {mean: 20s}}, think: {exponential: {mean: 20s}}}', 'infrastructure.evictOnPressure=true', 'infrastructure.reserved.slots=420'],
  'default~serverlessPool': ['duration=1h', 'replications=2', 'infrastructure.warmPool.tier=serverless', 'infrastructure.serverless.maxSlots=300', 'infrastructure.warmPool.size=60', 'infrastructure.reserved.slots=800'],
  'enterprise-10k': ['duration=1d', 'warmup=2h', 'replications=2'],
  'kimi-core': ['duration=2h', 'warmup=10m'],
  'kimi-peak': ['duration=2h', 'warmup=10m'],
  'kimi-pool': ['duration=2h', 'warmup=10m'],
  'rl-fanout': [],
  'zone-outage': [],
};

/** One scenario's figures per replication: the metric tree, and digests of its series and latency histogram. */
export async function recordScenario(dist, name) {
  const { loadScenario } = await import(pathToFileURL(join(dist, 'scenario/load.js')).href);
  const { prepareInputs } = await import(pathToFileURL(join(dist, 'workload/build.js')).href);
  const { runReplication } = await import(pathToFileURL(join(dist, 'sim/replication.js')).href);
  const file = `scenarios/${name.split('~')[0]}.yaml`;
  const sets = RUNS[name];
  const s = loadScenario(file, sets);
  const inputs = prepareInputs(s, file);
  const out = [];
  for (let r = 0; r < s.replications; r++) {
    const res = runReplication(s, inputs, r, { helper: false });
    const digest = (x) => createHash('sha256').update(JSON.stringify(x, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))).digest('hex');
    out.push({
      replication: r,
      metrics: JSON.parse(JSON.stringify(res.metrics, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))),
      series: digest(res.series),
      latency: digest(res.latency),
      poolTargets: res.poolTargets === null ? null : digest(res.poolTargets),
    });
  }
  return { scenario: name, sets, replications: out };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dist = resolve(process.argv[2]);
  const names = process.argv[3] ? [process.argv[3]] : Object.keys(RUNS);
  for (const n of names) console.log(JSON.stringify(await recordScenario(dist, n)));
}
