import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/scaler/fileSource.js';
import { startScaler, type Running } from '../../src/scaler/run.js';
import type { Decision } from '../../src/scaler/scaler.js';
import { parityConfig, simulatorTargets, TRACE } from './fixtures.js';
import { available, FaultProxy, MISSING, openMetrics, PrometheusServer } from './prometheusServer.js';

/**
 * The scaler against a real Prometheus server (Debian's package) on loopback, loaded with the
 * Azure code trace as arrivals per 15 s: its targets must be the simulator's, and faults
 * (errors, slow answers, the server stopped, NaN values, gaps) must never crash it or lower
 * the target below the last good one or the floor.
 */
const STEP = 15;
// whole hours, three hours ago: inside the TSDB's retention, queried as history
const BASE = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
const NAN_TICKS = [120, 127];
const GAP_TICKS = [150, 160];

let prom: PrometheusServer;
let counts: Float64Array;

beforeAll(async () => {
  expect(available(), MISSING).toBe(true);
  const f = FileSource.open(TRACE);
  const n = Math.floor((f.endS - f.startS) / STEP);
  counts = await f.read(f.startS + n * STEP, n, STEP); // counts[k-1] = arrivals in the interval ending at BASE + k·15
  const clean: [number, number][] = [];
  const faulty: [number, number][] = [];
  for (let k = 1; k <= n; k++) {
    const t = BASE + k * STEP;
    clean.push([t, counts[k - 1]]);
    if (k >= GAP_TICKS[0] && k <= GAP_TICKS[1]) continue;
    faulty.push([t, k >= NAN_TICKS[0] && k <= NAN_TICKS[1] ? NaN : counts[k - 1]]);
  }
  prom = new PrometheusServer(openMetrics({ tidecast_test_arrivals: clean, tidecast_test_arrivals_faulty: faulty }));
  await prom.start();
}, 120_000);

afterAll(async () => {
  await prom?.stop();
});

const at = (k: number) => BASE + k * STEP;

describe('scaler against a real Prometheus server', () => {
  it('reads the arrivals through /api/v1/query_range and decides exactly what the simulator decided', async () => {
    const sim = simulatorTargets();
    const c = parityConfig(sim.leadTimeS, `{ prometheus: { url: "${prom.url}", query: tidecast_test_arrivals, valueIs: count } }`);
    const r = await startScaler(c, { log: () => {} });
    const live: number[] = [];
    for (let k = 1; k <= sim.targets.length && k <= counts.length; k++) {
      const d = await r.step(at(k));
      expect(d.inputs.status).toBe('ok');
      live.push(d.target);
    }
    await r.close();
    expect(live.length).toBeGreaterThan(220);
    expect(live).toEqual(sim.targets.slice(0, live.length));
  }, 120_000);

  it('survives errors, slow answers, a stopped server, NaN and gaps: holds the last good target, then the floor; reports staleness; recovers within one interval', async () => {
    const proxy = new FaultProxy(() => prom.url);
    await proxy.start();
    const FLOOR = 5000;
    const { leadTimeS } = simulatorTargets();
    const c = parityConfig(
      leadTimeS,
      `{ prometheus: { url: "${proxy.url}", query: tidecast_test_arrivals_faulty, valueIs: count, timeout: 500ms } }`,
      `safety: { staleAfter: 45s, floor: ${FLOOR}, floorAfter: 60s }`,
      '{ http: { listen: "127.0.0.1:0" } }',
    );
    const r: Running = await startScaler(c, { log: () => {} });
    const get = async (path: string) => (await fetch(`http://127.0.0.1:${r.ports.http}${path}`)).text();
    const decisions = new Map<number, Decision>();
    let lastGood = NaN;
    let lastGoodS = NaN;
    const tick = async (k: number) => {
      const d = await r.step(at(k)); // never throws
      decisions.set(k, d);
      if (d.inputs.status === 'ok') {
        lastGood = d.target;
        lastGoodS = d.nowS;
      } else {
        expect(d.target, `tick ${k}: below the last good target`).toBeGreaterThanOrEqual(lastGood);
        expect(d.reason).not.toBe('policy');
        if (d.nowS - lastGoodS >= 60) expect(d.target, `tick ${k}: below the floor`).toBeGreaterThanOrEqual(FLOOR);
      }
      return d;
    };
    try {
      for (let k = 1; k < 100; k++) expect((await tick(k)).inputs.status).toBe('ok');

      proxy.mode = 'error';
      for (let k = 100; k <= 102; k++) expect((await tick(k)).inputs).toMatchObject({ status: 'error', error: { kind: 'http' } });
      proxy.mode = 'slow';
      for (let k = 103; k <= 104; k++) expect((await tick(k)).inputs).toMatchObject({ status: 'error', error: { kind: 'timeout' } });
      proxy.mode = 'pass';
      expect((await tick(105)).inputs.status).toBe('ok'); // the first interval after the fault

      await prom.stop();
      for (let k = 106; k <= 111; k++) expect((await tick(k)).inputs).toMatchObject({ status: 'error', error: { kind: 'unreachable' } });
      expect(decisions.get(111)!.reason).toBe('floor');
      expect(decisions.get(111)!.target).toBeGreaterThanOrEqual(FLOOR);
      const targets = JSON.parse(await get('/targets'));
      expect(targets).toMatchObject({ target: decisions.get(111)!.target, reason: 'floor', inputs: { status: 'error', stalenessS: 90 } });
      const metrics = await get('/metrics');
      expect(metrics).toMatch(/^tidecast_scaler_source_staleness_seconds 90$/m);
      expect(metrics).toMatch(/^tidecast_scaler_source_up 0$/m);
      expect(metrics).toMatch(/^tidecast_scaler_errors_total\{kind="unreachable"\} 6$/m);
      expect(metrics).toMatch(/^tidecast_scaler_errors_total\{kind="http"\} 3$/m);
      expect(metrics).toMatch(/^tidecast_scaler_errors_total\{kind="timeout"\} 2$/m);
      await prom.start();
      expect((await tick(112)).inputs.status).toBe('ok');
      expect(decisions.get(112)!.reason).toBe('policy');
      expect((await fetch(`http://127.0.0.1:${r.ports.http}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${r.ports.http}/healthz`)).status).toBe(200);

      for (let k = 113; k <= 175; k++) await tick(k);
      // NaN values: carried forward while younger than staleAfter, then stale
      expect(decisions.get(122)!.inputs.status).toBe('ok');
      for (let k = 123; k <= 127; k++) expect(decisions.get(k)!.inputs.status).toBe('stale');
      expect(decisions.get(128)!.inputs.status).toBe('ok');
      // a gap (no samples at all): the same
      for (let k = 153; k <= 160; k++) expect(decisions.get(k)!.inputs.status).toBe('stale');
      expect(decisions.get(161)!.inputs.status).toBe('ok');
      expect(decisions.get(160)!.inputs.stalenessS).toBe(165); // the newest value is tick 149's: 11 intervals back
      expect(await get('/metrics')).toMatch(/^tidecast_scaler_errors_total\{kind="stale"\} 13$/m);
    } finally {
      await r.close();
      await proxy.close();
      await prom.start().catch(() => {}); // if a failure left it stopped; a no-op when it runs
    }
  }, 180_000);
});
