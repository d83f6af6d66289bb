import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childCpuSeconds, cpuBound, wallGuardMs } from '../cpuBudget.js';

/** The built CLI (npm test compiles first). */
const CLI = join(process.cwd(), 'dist/cli/main.js');

function tidecast(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONTRACT_KEYS = [
  'scenario', 'seed', 'replications',
  'sessions.arrived', 'sessions.started', 'sessions.completed', 'sessions.inFlight', 'sessions.rejected',
  'sessions.queued', 'sessions.overflowed', 'sessions.warmHits', 'sessions.coldStarts',
  'warmHitRate', 'overflowRate',
  'startLatency.mean', 'startLatency.p50', 'startLatency.p90', 'startLatency.p95', 'startLatency.p99', 'startLatency.max',
  'concurrency.mean', 'concurrency.peak',
  'cost.total', 'cost.reserved', 'cost.serverless', 'cost.perSession',
  'ci95', 'engine.events', 'engine.wallSeconds', 'engine.eventsPerSecond',
];

function at(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
}

describe('tidecast run', () => {
  it('--format json carries every contract key, with 95% intervals', () => {
    const r = tidecast('run', 'scenarios/default.yaml', '--format', 'json', '--quiet');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of CONTRACT_KEYS) expect(at(j, k), k).not.toBeUndefined();
    expect(j.scenario).toBe('default');
    expect(j.replications).toBe(3);
    for (const k of ['warmHitRate', 'startLatency.mean', 'startLatency.p99', 'concurrency.mean', 'cost.total', 'cost.perSession']) {
      const ci = j.ci95[k];
      expect(Array.isArray(ci) && ci[0] <= at(j, k)! && at(j, k)! <= ci[1], k).toBe(true);
    }
    const s = j.sessions;
    expect(s.arrived).toBeCloseTo(s.completed + s.inFlight + s.rejected, 9);
    expect(j.scenarioAsRun.infrastructure.reserved.slots).toBe(950);
  });

  it('prints a table and writes report.html, summary.json, timeseries.csv and SVGs with --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidecast-out-'));
    const r = tidecast('run', 'scenarios/default.yaml', '--out', dir, '--replications', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^default — seed 7, 2 replications/);
    expect(r.stdout).toMatch(/warm-hit rate\s+\d+\.\d+%/);
    expect(r.stdout).toMatch(/start latency mean/);
    expect(readdirSync(dir).sort()).toEqual(['arrivals.svg', 'concurrency.svg', 'cost.svg', 'latency.svg', 'latencyCdf.svg', 'pool.svg', 'queue.svg', 'report.html', 'summary.json', 'timeseries.csv']);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.replications).toBe(2);
    const csv = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('replication,t,arrivals,started,warmHits,coldStarts,queued,overflowed,rejected,completed,concurrency,queue,reservedBusy,serverlessBusy,poolReady,poolTarget,latencyMean,latencyP50,latencyP99,costReserved,costServerless,runningWarm,runningReserved,runningServerless,hibernated');
    expect(csv.length).toBe(1 + 2 * 240); // 4 h at 1-minute intervals, two replications
    const arrivals = csv.slice(1).filter((l) => l.startsWith('0,')).reduce((a, l) => a + Number(l.split(',')[2]), 0);
    expect(arrivals).toBeGreaterThan(0.95 * 5 * 14400);
  });

  it("npm start's command runs again over its own report (the README's first command must work twice)", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string }; bin: { tidecast: string } };
    const out = mkdtempSync(join(tmpdir(), 'tidecast-start-'));
    expect(pkg.scripts.start.startsWith(`node ${pkg.bin.tidecast} `)).toBe(true); // npm start runs the installed command
    const args = pkg.scripts.start.slice(`node ${pkg.bin.tidecast} `.length).split(' ').map((a) => (a === 'reports/default' ? out : a));
    const quick = [...args, '--set', 'duration=10m', '--set', 'warmup=0', '--replications', '2', '--quiet'];
    for (let i = 0; i < 2; i++) {
      const r = tidecast(...quick);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(readdirSync(out)).toContain('report.html');
  });

  it('same seed → byte-identical JSON (but for wall-clock fields); threads do not change results', () => {
    const strip = (out: string) => {
      const j = JSON.parse(out);
      delete j.engine.wallSeconds;
      delete j.engine.eventsPerSecond;
      return JSON.stringify(j);
    };
    const a = tidecast('run', 'scenarios/default.yaml', '--format', 'json', '--quiet', '--workers', '2');
    const b = tidecast('run', 'scenarios/default.yaml', '--format', 'json', '--quiet', '--workers', '0');
    const c = tidecast('run', 'scenarios/default.yaml', '--format', 'json', '--quiet', '--seed', '8');
    expect(strip(a.stdout)).toBe(strip(b.stdout));
    expect(strip(c.stdout)).not.toBe(strip(a.stdout));
  });
});

/**
 * CPU seconds of `tidecast run` for each shipped scenario as this test runs it (user + system, Node
 * start-up included; the kimi-* ones for 2 h), measured 2026-12-02 02:36 UTC on the 2-core machine
 * (load average 7). A scenario not listed is taken to cost as much as the costliest one.
 */
const CPU_S: Record<string, number> = {
  'azure-code-replay.yaml': 2.4,
  'default.yaml': 1.9,
  'enterprise-10k.yaml': 8.4,
  'kimi-core.yaml': 2.0,
  'kimi-peak.yaml': 2.7,
  'kimi-pool.yaml': 3.2,
  'rl-fanout.yaml': 3.0,
  'zone-outage.yaml': 13.3,
};
describe('every scenario in scenarios/ runs and prints its table', () => {
  const files = readdirSync('scenarios').filter((x) => x.endsWith('.yaml')).sort();
  const costliest = Math.max(...Object.values(CPU_S));
  it('the cost table names only shipped scenarios', () => expect(files).toEqual(expect.arrayContaining(Object.keys(CPU_S))));
  for (const f of files) {
    const cost = CPU_S[f] ?? costliest;
    const guard = wallGuardMs(cost);
    it(f, () => {
      // the kimi-* scenarios are Kimi-scale (kimi-peak: 27M sessions a day, see npm run bench); two hours of each here
      const extra = f.startsWith('kimi-') ? ['--set', 'duration=2h', '--set', 'warmup=10m', '--replications', '1'] : [];
      const cpu0 = childCpuSeconds();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'run', join('scenarios', f), '--quiet', ...extra], { encoding: 'utf8', timeout: guard });
      const wallS = (performance.now() - t0) / 1000;
      const cpu1 = childCpuSeconds();
      const cpuS = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
      const took = `${f}: ${cpuS?.toFixed(1) ?? '?'} s CPU, ${wallS.toFixed(1)} s wall`;
      expect(r.signal, `${took}: killed by the ${guard / 1000} s wall-clock guard`).toBeNull();
      expect(r.status, `${took}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/sessions arrived/);
      expect(r.stdout).toMatch(/cost total/);
      if (cpuS !== undefined) expect(cpuS, `${took}, measured ${cost} s`).toBeLessThanOrEqual(cpuBound(cost));
    }, guard + 10_000);
  }
});

describe('bad input: one line, exit code 2, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidecast-bad-'));
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['run', 'nope.yaml'], /^tidecast: nope\.yaml: cannot read the scenario file \(no such file\)$/],
    ['bad format', ['run', 'scenarios/default.yaml', '--format', 'xml'], /^tidecast: --format: expected "text" or "json", got "xml"$/],
    ['bad seed', ['run', 'scenarios/default.yaml', '--seed', '-1'], /^tidecast: --seed: expected an integer ≥ 0, got "-1"$/],
    ['bad --set', ['run', 'scenarios/default.yaml', '--set', 'infrastructure.reserved.slots=lots'], /^tidecast: --set infrastructure\.reserved\.slots=lots: infrastructure\.reserved\.slots: expected a non-negative integer or "unlimited", got "lots"$/],
    ['unknown option', ['run', 'scenarios/default.yaml', '--sed', '3'], /unknown option '--sed'/],
    ['missing argument', ['run'], /missing required argument 'scenario'/],
  ];
  for (const [name, args, re] of cases) {
    it(name, () => {
      const r = tidecast(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
  it('malformed YAML and misspelt keys in a file', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'duration: 1h\nworkload:\n  arrivals: { poisson: { rat: 3/s } }\n  sessionDuration: 10s\n');
    const r = tidecast('run', f);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tidecast: ${f}:3: workload.arrivals.poisson.rat: unknown key (did you mean "rate"?) (and 1 more problem)`);
    writeFileSync(f, 'duration: 1h\nworkload: {\n');
    const y = tidecast('run', f);
    expect(y.code).toBe(2);
    expect(y.stderr.trim()).toMatch(new RegExp(`^tidecast: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML: `));
  });
  it('a malformed trace', () => {
    const t = join(dir, 't.csv');
    writeFileSync(t, 'time,count\n0,5\n60,x\n');
    const f = join(dir, 'trace.yaml');
    writeFileSync(f, `duration: 1h\nworkload:\n  arrivals: { trace: { path: ${t} } }\n  sessionDuration: 10s\n`);
    const r = tidecast('run', f);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tidecast: ${t}:3: column "count": expected a non-negative count, got "x"`);
  });
});
