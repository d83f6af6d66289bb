import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadScenario, parseScenario } from '../scenario/load.js';
import { runReplication } from '../sim/replication.js';
import { prepareInputs } from '../workload/build.js';
import { forecastSpeed } from './forecastSpeed.js';
import { bareMmcCase } from './bareMmc.js';
import { contentionRows, helperDropCase, mmcLoopCase, simpyRow } from './contention.js';
import { heapHold } from './heapHold.js';
import { scalerBench, SIDECAR_NODE_OPTIONS } from './scalerBench.js';
import { startupRow } from './startup.js';

/**
 * `npm run bench`: the simulator's speed targets (issue #2), each measured in a fresh child
 * process so peak RSS belongs to that case alone. A benchmark, not a test: it prints figures.
 *   - events/s and sessions/s on M/M/c (target ≥ 4M events/s on 2 cores)
 *   - wall time and peak RSS of the Kimi-scale tidal day with one replication (target ≤ 30 s
 *     and ≤ 1 GB): scenarios/kimi-core.yaml (the core model) and scenarios/kimi-peak.yaml (the
 *     same day with multi-turn sessions, hibernation, a node autoscaler and two templates)
 *   - the event heap alone: hold operations at 100 and 200k pending events
 */
const MMC = `
name: mmc-bench
duration: 60000
workload:
  arrivals: { poisson: { rate: 80/s } }
  sessionDuration: { exponential: { mean: 1s } }
infrastructure:
  reserved: { slots: 100 }
`;

function child(kind: string, nodeFlags: string[] = []): Record<string, number> {
  const out = execFileSync(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), '--case', kind], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function runCase(kind: string): Promise<Record<string, number>> {
  if (kind === 'mmc') {
    const s = parseScenario(MMC, 'mmc');
    runReplication({ ...s, duration: 2000 }, prepareInputs(s), 1); // warm the JIT
    const r = runReplication(s, prepareInputs(s), 0);
    const m = r.metrics as { sessions: { arrived: number } };
    return { events: r.events, wallSeconds: r.wallSeconds, eventsPerSecond: r.events / r.wallSeconds, sessionsPerSecond: m.sessions.arrived / r.wallSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  }
  if (kind === 'mmc-1m-loop') return mmcLoopCase();
  if (kind === 'mmc-1m-bare') return bareMmcCase();
  if (kind === 'kimi-2h-helper') return helperDropCase(true);
  if (kind === 'kimi-2h-auto') return helperDropCase('auto');
  if (kind === 'kimi-2h-inthread') return helperDropCase(false);
  if (kind.startsWith('kimi')) {
    // kimi (kimi-peak.yaml) or kimi-core
    const file = new URL(`../../scenarios/${kind === 'kimi' ? 'kimi-peak' : kind}.yaml`, import.meta.url);
    const s = loadScenario(fileURLToPath(file), ['replications=1']);
    const t0 = performance.now();
    // with a core to spare, the engine's helper thread sorts the far calendars (as `tidecast run` does for one replication)
    const r = runReplication(s, prepareInputs(s), 0, { helper: 'auto' });
    const wall = (performance.now() - t0) / 1000;
    const m = r.metrics as { sessions: { arrived: number }; concurrency: { mean: number; peak: number } };
    return {
      events: r.events,
      wallSeconds: wall,
      eventsPerSecond: r.events / wall,
      sessions: m.sessions.arrived,
      meanArrivalsPerS: m.sessions.arrived / (s.duration - s.warmup),
      peakConcurrency: m.concurrency.peak,
      meanConcurrency: m.concurrency.mean,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    };
  }
  if (kind === 'heap') return heapHold();
  if (kind === 'forecast') return forecastSpeed();
  if (kind === 'scaler') return scalerBench();
  if (kind === 'scaler-k8s') return scalerBench(true);
  throw new Error(`unknown case ${kind}`);
}

const i = process.argv.indexOf('--case');
if (i >= 0) {
  console.log(JSON.stringify(await runCase(process.argv[i + 1])));
} else if (process.argv.includes('--only')) {
  // `npm run bench -- --only contention|simpy|startup|r`: just those rows (r: auto against R's forecast package, slow)
  const only = process.argv[process.argv.indexOf('--only') + 1];
  if (only === 'contention') contentionRows(child);
  else if (only === 'simpy') simpyRow(child);
  else if (only === 'startup') console.log(startupRow());
  else if (only === 'r') for (const line of (await import('./rForecast.js')).rComparison((await import('./forecastAccuracy.js')).accuracyCases())) console.log(line);
  else throw new Error(`--only: expected contention, simpy, startup or r, got ${only}`);
} else {
  const f = (x: number, d = 2) => x.toLocaleString('en-US', { maximumFractionDigits: d });
  console.log(`tidecast bench — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  simpyRow(child);
  console.log(startupRow());
  const h = child('heap');
  console.log(`event heap, hold (pop + push): ${f(h.soa100, 0)} ns at 100 pending, ${f(h.soa200k, 0)} ns at 200k  (heap of objects: ${f(h.obj100, 0)} / ${f(h.obj200k, 0)} ns)`);
  const m = child('mmc');
  console.log(`M/M/c (c=100, λ=80/s, 60,000 s): ${f(m.events, 0)} events in ${f(m.wallSeconds)} s = ${f(m.eventsPerSecond / 1e6)}M events/s, ${f(m.sessionsPerSecond / 1e6)}M sessions/s  [target ≥ 4M events/s]`);
  const fs = child('forecast');
  console.log('forecaster, fit + forecast with quantiles (median of 5), ms  [targets: 3w hourly ≤ 50, 2w 1-minute ≤ 500, auto ≤ 10× those]');
  for (const [k, v] of Object.entries(fs)) console.log(`  ${k.padEnd(34)} ${f(v, 1)}`);
  const flags = SIDECAR_NODE_OPTIONS.split(' ');
  const sc = child('scaler', flags);
  const sk = child('scaler-k8s', flags);
  console.log(
    `scaler sidecar (forecast policy, ${f(sc.historyPoints, 0)} 1-minute points of history, ${f(sc.decisions, 0)} decisions, node ${SIDECAR_NODE_OPTIONS}): ` +
      `per decision p50 ${f(sc.p50Ms, 1)} / ${f(sk.p50Ms, 1)} ms, p99 ${f(sc.p99Ms, 1)} / ${f(sk.p99Ms, 1)} ms, max ${f(sc.maxMs, 1)} / ${f(sk.maxMs, 1)} ms (KEDA / Kubernetes route); ` +
      `${f(sc.refits, 0)} refits between decisions, up to ${f(Math.max(sc.refitMaxMs, sk.refitMaxMs), 0)} ms; ` +
      `peak RSS ${f(sc.maxRssMB, 0)} MB (KEDA route: HTTP + metrics + gRPC), ${f(sk.maxRssMB, 0)} MB (Kubernetes route: HTTP + metrics + client-node)  [target ≤ 20 ms per decision, ≤ 120 MB]`,
  );
  if (process.argv.includes('--no-kimi')) process.exit(0);
  contentionRows(child);
  // Three runs each in fresh processes: this machine is a shared VM whose speed drifts by ±15%.
  for (const [kind, what] of [
    ['kimi-core', 'scenarios/kimi-core.yaml: the core model'],
    ['kimi', 'scenarios/kimi-peak.yaml: multi-turn sessions, hibernation, node autoscaler, two templates'],
  ]) {
    const runs = [child(kind), child(kind), child(kind)];
    const k = runs[0];
    const walls = runs.map((r) => r.wallSeconds).sort((a, b) => a - b);
    console.log(
      `Kimi-scale day (${what}; 1 replication): ${f(k.sessions, 0)} sessions (mean ${f(k.meanArrivalsPerS, 0)}/s), ` +
        `concurrency mean ${f(k.meanConcurrency, 0)} peak ${f(k.peakConcurrency, 0)}; ${f(k.events, 0)} events; ` +
        `wall ${walls.map((w) => f(w, 1)).join(' / ')} s (median ${f(walls[1], 1)} s, ${f(k.events / walls[1] / 1e6)}M events/s), ` +
        `peak RSS ${f(Math.max(...runs.map((r) => r.maxRssMB)), 0)} MB  [target ≤ 30 s, ≤ 1024 MB]`,
    );
  }
}
