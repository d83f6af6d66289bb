import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issue #19's hang list: each input once hung, ate memory or exited 70; each now gets one clear
 * line on stderr and exit 2, within seconds (the limit allows for a busy machine).
 */
const CLI = join(process.cwd(), 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tidecast-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tidecast(...args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

const SCENARIO = join(process.cwd(), 'scenarios/default.yaml');

function refused(r: ReturnType<typeof tidecast>, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  expect(r.seconds).toBeLessThan(20);
}

describe('bounded on any input', () => {
  it('duration: 36500d', () => {
    refused(tidecast('run', SCENARIO, '--set', 'duration=36500d'), /duration: expected a duration of at most 3650d/);
  });

  it('replications: 1e6', () => {
    refused(tidecast('run', SCENARIO, '--set', 'replications=1e6'), /replications: expected at most 10,000, got 1000000/);
  });

  it('replications within the schema but over the work limit: refused with what it would take and the flag to allow it', () => {
    const r = tidecast('run', SCENARIO, '--set', 'replications=10000');
    refused(r, /about 3\.6e9 events \(10,000 replications × 72,000 arrivals × ~5 events; ~16 min .*over the limit of 2\.0e9.*--max-events 4\.0e9/);
  });

  it('--max-events lowers (and raises) the limit', () => {
    refused(tidecast('run', SCENARIO, '--max-events', '1e5'), /about 1,083,600 events .* over the limit of 100,000/);
    refused(tidecast('run', SCENARIO, '--max-events', 'lots'), /--max-events: expected a positive number/);
  });

  it('warmPool.size: 1e9', () => {
    refused(tidecast('run', SCENARIO, '--set', 'infrastructure.warmPool.size=1e9'), /warmPool.size: expected at most 10,000,000, got 1000000000/);
  });

  it('output.interval: 1ms', () => {
    refused(tidecast('run', SCENARIO, '--set', 'output.interval=1ms'), /output.interval: .*14,400,000 points .* at most 1,000,000/);
  });

  it('an interval fine enough for the schema but too many points over replications: refused on memory, --max-memory allows it', () => {
    refused(tidecast('run', SCENARIO, '--set', 'output.interval=20ms', '--replications', '100', '--max-memory', '8GB'), /would hold about 14\.\d GB .* over the limit of 8 GB.*--max-memory 16GB/);
    refused(tidecast('run', SCENARIO, '--max-memory', '1x'), /--max-memory: expected a size/);
  });

  it('rate: 1e12/s', () => {
    refused(tidecast('run', SCENARIO, '--set', 'workload.arrivals.poisson.rate=1e12/s'), /poisson.rate: expected a rate of at most 10000000\/s/);
    refused(tidecast('run', SCENARIO, '--set', 'workload.arrivals.poisson.rate=1e6/s'), /1\.4e10 arrivals/);
  });

  it('a trace row with a count of 1e308', () => {
    writeFileSync(join(dir, 'big.csv'), 'time,count\n0,10\n60,1e308\n120,5\n');
    writeFileSync(join(dir, 'big.yaml'), 'name: big\nduration: 3m\nworkload:\n  arrivals: { trace: { path: big.csv } }\n  sessionDuration: 10s\n');
    refused(tidecast('run', 'big.yaml'), /big\.csv:3: column "count": 1e308 in a 60 s interval .* at most 10,000,000\/s/);
  });

  it('a trace whose rows span more intervals than a decade of minutes', () => {
    writeFileSync(join(dir, 'far.csv'), 'time,count\n0,10\n1,1\n1e9,5\n');
    writeFileSync(join(dir, 'far.yaml'), 'name: far\nduration: 3m\nworkload:\n  arrivals: { trace: { path: far.csv } }\n  sessionDuration: 10s\n');
    refused(tidecast('run', 'far.yaml'), /far\.csv:4: the rows span 1\.0e\+9 intervals/);
  });

  it('forecast --step 1s on a 5-week hourly trace', () => {
    const synth = tidecast('trace', 'synth', '--days', '35', '--step', '1h', '--peak', '500/s', '--trough', '60/s', '--out', 'hourly.csv');
    expect(synth.code).toBe(0);
    refused(tidecast('forecast', 'hourly.csv', '--step', '1s', '--horizon', '24h'), /--step 1s: forecasting from 35d of history makes 3,024,000 steps; expected at most 100,000 \(a step of at least 30\.24s\)/);
    refused(tidecast('backtest', 'hourly.csv', '--step', '1s', '--horizon', '1h'), /--step 1s: backtesting/);
    refused(tidecast('trace', 'import', 'hourly.csv', '--step', '100ms'), /30,240,000 steps/);
  });

  it('trace synth --days 100000 --step 1s', () => {
    refused(tidecast('trace', 'synth', '--days', '100000', '--step', '1s', '--peak', '500/s', '--trough', '60/s'), /--days: expected a positive number of days, at most 3650/);
    refused(tidecast('trace', 'synth', '--days', '1000', '--step', '1s', '--peak', '500/s', '--trough', '60/s'), /86,400,000 steps; expected at most 5,000,000/);
  });

  it('clock-driven events too fine for the duration: pool decisions, the forecast policy\'s history; an oracle slack of 1e12', () => {
    refused(tidecast('run', SCENARIO, '--set', 'infrastructure.warmPool.decisionInterval=1ms'), /decisionInterval: 0\.001 s over a 14400 s duration makes 14,400,000 pool decisions/);
    refused(
      tidecast('run', SCENARIO, '--set', 'duration=3d', '--set', 'infrastructure.warmPool.decisionInterval=1s', '--set', 'infrastructure.warmPool.policy={ forecast: { step: 1s } }'),
      /policy.forecast.step: 1 s over a 259200 s duration makes 259,200 forecast steps of history; expected at most 100,000/,
    );
    refused(tidecast('run', SCENARIO, '--set', 'infrastructure.warmPool.policy={ oracle: { slack: 1e12 } }'), /oracle.slack: expected a non-negative number of sandboxes, at most 10,000,000/);
  });

  it('distributions, prices and sizes with every parameter in range but a mean, p99 or cost that overflows (found by fuzzing the shipped scenarios)', () => {
    refused(tidecast('run', SCENARIO, '--set', 'workload.sessionDuration=1e12'), /workload.sessionDuration: expected a duration of at most 3650d \(ten years\), got 1\.00e\+12 s/);
    refused(tidecast('run', SCENARIO, '--set', 'infrastructure.reserved.coldStart={ lognormal: { median: 2s, p99: 1e308 } }'), /coldStart.lognormal.p99: expected a duration of at most 3650d/);
    // each parameter finite, the mean e^80000 (before: refused on "unbounded memory", and to allow it "with --max-memory …")
    refused(tidecast('run', SCENARIO, '--set', 'workload.sessionDuration={ lognormal: { mu: -1000, sigma: 400 } }'), /sessionDuration.lognormal: expected a distribution whose mean is at most 3650d \(ten years\), got an infinite mean/);
    refused(tidecast('run', SCENARIO, '--set', 'workload.sessionDuration={ lognormal: { mu: 5, sigma: 10 } }'), /sessionDuration.lognormal: expected a distribution whose mean is at most 3650d/);
    refused(tidecast('run', SCENARIO, '--set', 'workload.sessionDuration={ gamma: { shape: 1e300, scale: 1 } }'), /sessionDuration.gamma: expected a distribution whose mean is at most 3650d \(ten years\), got a mean of 1\.00e\+300 s/);
    refused(tidecast('run', SCENARIO, '--set', 'workload.turns={ count: { lognormal: { median: 2, p99: 1e9 } }, think: 10s }'), /turns.count.lognormal.p99: expected a number of at most 10,000,000, got 1000000000/);
    refused(tidecast('run', SCENARIO, '--set', 'workload.turns={ count: { lognormal: { median: 2, p99: 1e6 } }, think: 10s }'), /turns.count.lognormal: expected a distribution whose mean is at most 10,000,000, got a mean of 1\.62e\+7/);
    // before: the run's costs overflowed to null in the JSON and a 300-digit figure in the table
    refused(tidecast('run', SCENARIO, '--set', 'infrastructure.reserved.costPerSlotHour=1e308'), /costPerSlotHour: expected a non-negative price of at most 1000000 per unit, got 1e\+308/);
    refused(tidecast('run', SCENARIO, '--set', 'infrastructure.hibernation={ idleTimeout: 5m, memoryGiB: 1e12 }'), /hibernation.memoryGiB: expected a non-negative size in GiB, at most 65536/);
  });

  it('a tidal curve with a step too fine for its duration', () => {
    writeFileSync(join(dir, 'tide.yaml'), 'name: tide\nduration: 2d\nworkload:\n  arrivals: { tidal: { peak: 5/s, trough: 1/s, step: 10ms } }\n  sessionDuration: 10s\n');
    refused(tidecast('run', 'tide.yaml'), /tidal.step: .*17,280,000 steps of the rate curve/);
    // bursts are drawn before the run: 10^7/s over a week hung (found by fuzzing)
    writeFileSync(join(dir, 'bursty.yaml'), 'name: bursty\nduration: 7d\nworkload:\n  arrivals: { tidal: { peak: 5/s, trough: 1/s, bursts: { rate: 1e7/s } } }\n  sessionDuration: 10s\n');
    refused(tidecast('run', 'bursty.yaml'), /tidal.bursts.rate: 10000000\/s over a 604800 s duration makes 6\.0e12 bursts; expected at most 1,000,000/);
  });
});
