import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultInputs, GAUGE_KEYS, HISTOGRAM_KEYS, COUNTER_KEYS } from '../../src/calibrate/config.js';
import { loadScenario } from '../../src/scenario/load.js';
import { available, FaultProxy, MISSING, PrometheusServer } from '../scaler/prometheusServer.js';

/**
 * The closed loop: a fleet simulated with parameters the calibrator is not told (tidal arrivals,
 * log-normal sessions and cold starts, a warm pool of 20, reserved capacity that overflows at the
 * peak), exported as OpenMetrics, backfilled into a real Prometheus, calibrated from it (and from
 * a CSV export of the same queries), and validated against it.
 */
const HIDDEN = `
name: hidden
seed: 11
duration: 6h
warmup: 0s
replications: 1
output: { interval: 1m }
workload:
  arrivals:
    tidal: { peak: 3/s, trough: 0.5/s, peakAt: 15h, startAt: 10h, noise: 0.05, step: 1m }
  sessionDuration: { lognormal: { median: 3m, p99: 20m } }
infrastructure:
  reserved: { slots: 700, coldStart: { lognormal: { median: 8s, p99: 30s } } }
  serverless: { enabled: true, coldStart: { lognormal: { median: 2s, p99: 6s } } }
  warmPool: { size: 20, claimLatency: 50ms }
`;
const TRUTH = { session: { median: 180, p99: 1200 }, cold: { median: 8, p99: 30 } };
const START = '2026-01-05T10:00:00Z';
const START_S = Date.parse(START) / 1000;
const END_S = START_S + 6 * 3600;

const dir = mkdtempSync(join(tmpdir(), 'tidecast-loop-'));
const cli = (...args: string[]) => spawnSync('node', ['dist/cli/main.js', ...args], { encoding: 'utf8' });
/** The CLI without blocking this process (a proxy in it must keep answering). */
const cliAsync = (...args: string[]) =>
  new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const p = spawn('node', ['dist/cli/main.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stderr }));
  });
let prom: PrometheusServer | null = null;
let om = '';

/** Claims per minute in the exported file (differences of the cumulative counter). */
function exportedClaims(text: string): number[] {
  const v = text.split('\n').filter((l) => l.startsWith('tidecast_claims_total{')).map((l) => Number(l.split(' ')[1]));
  return v.slice(1).map((x, i) => x - v[i]);
}

/** Median and p99 of a fitted log-normal (or whatever was chosen) as the scenario states them. */
function quantiles(spec: { kind: string; mu?: number; sigma?: number; values?: number[] }): { median: number; p99: number } {
  if (spec.kind === 'lognormal') return { median: Math.exp(spec.mu!), p99: Math.exp(spec.mu! + 2.3263478740408408 * spec.sigma!) };
  if (spec.kind === 'empirical') {
    const v = [...spec.values!].sort((a, b) => a - b);
    return { median: v[Math.floor(v.length * 0.5)], p99: v[Math.floor(v.length * 0.99)] };
  }
  throw new Error(`unexpected fit ${spec.kind}`);
}

/** A CSV export of the default queries from Prometheus, as Grafana's "series joined by time" gives it. */
async function csvExport(url: string): Promise<string> {
  const inputs = defaultInputs('tidecast');
  const cols = new Map<string, number[]>();
  const n = (END_S - START_S) / 60;
  const get = async (q: string) => {
    const u = `${url}/api/v1/query_range?query=${encodeURIComponent(q)}&start=${START_S}&end=${END_S}&step=60`;
    return ((await (await fetch(u)).json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } }).data.result;
  };
  for (const k of [...COUNTER_KEYS, ...GAUGE_KEYS]) {
    const spec = inputs[k];
    if (!spec) continue;
    const r = await get(spec.query);
    if (r.length === 0) continue;
    const byT = new Map(r[0].values.map(([t, v]) => [t, v]));
    cols.set(k, Array.from({ length: n + 1 }, (_, i) => Number(byT.get(START_S + i * 60) ?? (k in { running: 1, poolReady: 1, poolTarget: 1, reservedCapacity: 1 } && i === 0 ? 0 : NaN))));
  }
  for (const k of HISTOGRAM_KEYS) {
    const spec = inputs[k];
    if (!spec) continue;
    for (const s of await get(spec.query)) {
      const byT = new Map(s.values.map(([t, v]) => [t, v]));
      cols.set(`${k}{le="${s.metric.le}"}`, Array.from({ length: n + 1 }, (_, i) => Number(byT.get(START_S + i * 60) ?? 0)));
    }
  }
  const names = [...cols.keys()];
  const lines = [['time', ...names].map((x) => (x.includes('"') ? `"${x.replace(/"/g, '""')}"` : x)).join(',')];
  for (let i = 0; i <= n; i++) lines.push([new Date((START_S + i * 60) * 1000).toISOString(), ...names.map((c) => String(cols.get(c)![i]))].join(','));
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  writeFileSync(join(dir, 'hidden.yaml'), HIDDEN);
  const r = cli('run', join(dir, 'hidden.yaml'), '--openmetrics', join(dir, 'hidden.om'), '--openmetrics-start', START, '--workers', '0', '--quiet');
  if (r.status !== 0) throw new Error(r.stderr);
  om = readFileSync(join(dir, 'hidden.om'), 'utf8');
  // a missing Prometheus fails the run (as the scaler tests do), never skips the closed loop quietly
  expect(available(), MISSING).toBe(true);
  prom = new PrometheusServer(om);
  await prom.start();
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (prom) rmSync(prom.dir, { recursive: true, force: true });
});

describe('closed loop through Prometheus', () => {
  const out = join(dir, 'prom', 'fleet.yaml');

  it('calibrates: counts exact, session and cold-start medians within 5% and p99s within 10%', () => {
    const r = cli('calibrate', '--prometheus', prom!.url, '--start', START, '--end', String(END_S), '--out', out);
    expect(r.status, r.stderr).toBe(0);
    console.log(r.stdout);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schema\/scenario\.schema\.json$/);
    const s = loadScenario(out);
    const trace = readFileSync(join(dir, 'prom', 'fleet-arrivals.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    expect(trace).toEqual(exportedClaims(om));
    const sess = quantiles(s.workload.sessionDuration as never);
    const cold = quantiles(s.infrastructure.reserved.coldStart as never);
    console.log(`closed loop (Prometheus): session median ${sess.median.toFixed(2)} s (truth 180), p99 ${sess.p99.toFixed(1)} s (1200); cold start median ${cold.median.toFixed(3)} s (8), p99 ${cold.p99.toFixed(2)} s (30)`);
    expect(Math.abs(sess.median / TRUTH.session.median - 1)).toBeLessThan(0.05);
    expect(Math.abs(sess.p99 / TRUTH.session.p99 - 1)).toBeLessThan(0.1);
    expect(Math.abs(cold.median / TRUTH.cold.median - 1)).toBeLessThan(0.05);
    expect(Math.abs(cold.p99 / TRUTH.cold.p99 - 1)).toBeLessThan(0.1);
    expect(s.infrastructure.warmPool.size).toBe(20);
    expect(s.infrastructure.reserved.slots).toBe(700);
    // never over an existing scenario without --force
    const again = cli('calibrate', '--prometheus', prom!.url, '--start', START, '--end', String(END_S), '--out', out);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists; use --force/);
  }, 120_000);

  it('validate reproduces the observed fleet (exit 0); twice the cold start fails it (exit 1)', () => {
    const r = cli('validate', out, '--observed', prom!.url, '--start', START, '--end', String(END_S), '--format', 'json', '--workers', '0', '--quiet', '--out', join(dir, 'report'));
    const v = JSON.parse(r.stdout) as { rows: { key: string; observed: number; simulated: number; verdict: string }[] };
    console.log(`validate: ${v.rows.map((x) => `${x.key} ${x.observed.toPrecision(4)}/${x.simulated.toPrecision(4)} ${x.verdict}`).join('; ')}`);
    expect(r.status, r.stdout).toBe(0);
    const p99 = v.rows.find((x) => x.key === 'startLatency.p99')!;
    expect(Math.abs(p99.simulated / p99.observed - 1)).toBeLessThan(0.1);
    const warm = v.rows.find((x) => x.key === 'warmHitRate')!;
    expect(Math.abs(warm.simulated - warm.observed)).toBeLessThan(0.02);
    expect(readFileSync(join(dir, 'report', 'validate.html'), 'utf8')).toMatch(/observedVsSimulated/);
    // the same scenario with cold starts twice as long
    const doubled = readFileSync(out, 'utf8').replace(/coldStart: \{ lognormal: \{ median: ([\d.]+)s, p99: ([\d.]+)s \} \}/, (_, m, p) => `coldStart: { lognormal: { median: ${2 * m}s, p99: ${2 * p}s } }`);
    expect(doubled).not.toBe(readFileSync(out, 'utf8'));
    writeFileSync(join(dir, 'prom', 'doubled.yaml'), doubled);
    const bad = cli('validate', join(dir, 'prom', 'doubled.yaml'), '--observed', prom!.url, '--start', START, '--end', String(END_S), '--workers', '0', '--quiet');
    expect(bad.status, bad.stdout).toBe(1);
  }, 180_000);

  it('the same from a CSV export of the same queries', async () => {
    const csv = join(dir, 'fleet.csv');
    writeFileSync(csv, await csvExport(prom!.url));
    const out2 = join(dir, 'csv', 'fleet.yaml');
    const r = cli('calibrate', '--csv', csv, '--out', out2);
    expect(r.status, r.stderr).toBe(0);
    const s = loadScenario(out2);
    const trace = readFileSync(join(dir, 'csv', 'fleet-arrivals.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    expect(trace).toEqual(exportedClaims(om));
    const sess = quantiles(s.workload.sessionDuration as never);
    const cold = quantiles(s.infrastructure.reserved.coldStart as never);
    expect(Math.abs(sess.median / 180 - 1)).toBeLessThan(0.05);
    expect(Math.abs(sess.p99 / 1200 - 1)).toBeLessThan(0.1);
    expect(Math.abs(cold.median / 8 - 1)).toBeLessThan(0.05);
    expect(Math.abs(cold.p99 / 30 - 1)).toBeLessThan(0.1);
    // the Prometheus and CSV calibrations agree line for line but for the source
    const strip = (t: string) => t.split('\n').filter((l) => !/^# (Calibrated|yaml-language-server)/.test(l)).join('\n');
    expect(strip(readFileSync(out2, 'utf8'))).toBe(strip(readFileSync(join(dir, 'prom', 'fleet.yaml'), 'utf8')).replace('path: fleet-arrivals.csv', 'path: fleet-arrivals.csv'));
    const v = cli('validate', out2, '--observed', csv, '--workers', '0', '--quiet');
    expect(v.status, v.stdout).toBe(0);
  }, 180_000);

  it('bad or missing metrics: one line naming the query and what was expected, exit 2', () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'queries:\n  claims: { query: "sum(no_such_metric_total)" }\n');
    const r = cli('calibrate', '--prometheus', prom!.url, '--start', START, '--end', String(END_S), '--config', cfg, '--out', join(dir, 'x.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/claims \(query `sum\(no_such_metric_total\)`\): no series in the window.*expected a counter of sandbox claims/);
    writeFileSync(cfg, 'queries:\n  coldStart: { query: "sum(tidecast_claims_total)" }\n');
    const h = cli('calibrate', '--prometheus', prom!.url, '--start', START, '--end', String(END_S), '--config', cfg, '--out', join(dir, 'x.yaml'));
    expect(h.status).toBe(2);
    expect(h.stderr).toMatch(/coldStart \(query `sum\(tidecast_claims_total\)`\): a series without an `le` label/);
    writeFileSync(cfg, 'queries:\n  claims: { qurey: "x" }\n');
    const k = cli('calibrate', '--prometheus', prom!.url, '--start', START, '--end', String(END_S), '--config', cfg, '--out', join(dir, 'x.yaml'));
    expect(k.status).toBe(2);
    expect(k.stderr).toMatch(/bad\.yaml:2/);
  }, 60_000);

  it('one deadline for the whole read: a slow Prometheus is cut off and named (exit 2)', async () => {
    const proxy = new FaultProxy(() => prom!.url);
    await proxy.start();
    try {
      proxy.mode = 'slow';
      proxy.slowMs = 3000;
      const r = await cliAsync('calibrate', '--prometheus', proxy.url, '--start', START, '--end', String(END_S), '--set', 'timeout=1s', '--out', join(dir, 'slow.yaml'));
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/claims \(query `sum\(tidecast_claims_total\)`\): .*no complete answer within (1|0\.9\d*) s/);
      proxy.mode = 'error';
      const e = await cliAsync('calibrate', '--prometheus', proxy.url, '--start', START, '--end', String(END_S), '--out', join(dir, 'err.yaml'));
      expect(e.status).toBe(2);
      expect(e.stderr).toMatch(/claims \(query .*HTTP 503/);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
