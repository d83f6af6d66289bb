import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScalerConfig } from '../../src/scaler/config.js';
import { startScaler } from '../../src/scaler/run.js';
import { ChaosProxy } from './chaosProxy.js';
import { KubeStandIn } from './kubeStandIn.js';
import { available, MISSING, openMetrics, PrometheusServer } from './prometheusServer.js';

/**
 * The sidecar as a process: `--once` on three days of history in a real Prometheus, SIGTERM in
 * the middle of a read and of a publish, and a dead scrape behind `rate()`.
 */
const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tidecast-life-'));
const NOW = Math.floor(Date.now() / 1000);
/** Claims per second: a daily tide between 5 and 15 (three days of it, a sample every 5 s up to now). */
const rate = (t: number) => 10 + 5 * Math.sin((2 * Math.PI * t) / 86400);

let prom: PrometheusServer;
let proxy: ChaosProxy;
let kube: KubeStandIn;

beforeAll(async () => {
  expect(available(), MISSING).toBe(true);
  const samples: [number, number][] = [];
  const latency: [number, number][] = [];
  for (let t = NOW - 3 * 86400; t <= NOW; t += 5) samples.push([t, rate(t)]);
  const ready: [number, number][] = [];
  for (let t = NOW - 3600; t <= NOW; t += 5) latency.push([t, 42]);
  for (let t = NOW - 3600; t <= NOW; t += 5) ready.push([t, 17]);
  prom = new PrometheusServer(openMetrics({ tidecast_life_rate: samples, tidecast_life_ready_latency_seconds: latency, tidecast_life_pool_ready: ready }));
  await prom.start();
  proxy = new ChaosProxy(() => prom.url);
  await proxy.start();
  kube = new KubeStandIn();
  await kube.start();
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await kube?.stop();
  await prom?.stop();
});

function config(name: string, source: string, extra = '', interval = '1m'): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `interval: ${interval}\nhistory: 3d\nleadTime: 30s\ninitial: 5\npolicy: { forecast: {} }\nsource: ${source}\nsafety: { staleAfter: 5m }\n${extra}\n`);
  return f;
}

/** Runs the CLI; resolves with its exit code, stdout, and ms from `signalAt` (when given) to exit. */
function run(args: string[], signalWhen?: () => boolean): Promise<{ code: number | null; out: string; err: string; afterSignalMs: number }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c));
    p.stderr.on('data', (c: Buffer) => (err += c));
    let signalledAt = NaN;
    const poll = signalWhen
      ? setInterval(() => {
          if (Number.isNaN(signalledAt) && signalWhen()) {
            signalledAt = performance.now();
            p.kill('SIGTERM');
          }
        }, 20)
      : undefined;
    p.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, out, err, afterSignalMs: performance.now() - signalledAt });
    });
  });
}

describe('tidecast scaler --once', () => {
  it('fits on three days of history in a real Prometheus and publishes a forecast-based target', async () => {
    const r = await run(['scaler', '--once', '--config', config('once', `{ prometheus: { url: "${prom.url}", query: tidecast_life_rate } }`)]);
    expect(r.code, r.err).toBe(0);
    const d = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(d).toMatchObject({ valid: true, reason: 'policy', policy: 'forecast', inputs: { status: 'ok' } });
    expect(d.target).not.toBe(5); // not the initial target
    expect(d.forecast.quantiles.p55).toBeGreaterThan(0.8 * rate(NOW));
    expect(d.forecast.quantiles.p55).toBeLessThan(1.2 * rate(NOW));
    // a 99% hit rate over 30 s of claims at the current rate: above the mean load, not absurdly so
    expect(d.target).toBeGreaterThan(rate(NOW) * 30);
    expect(d.target).toBeLessThan(rate(NOW) * 30 * 2);
  }, 60_000);

  it('exits 1 when it could not decide from data', async () => {
    const r = await run(['scaler', '--once', '--config', config('once-down', `{ prometheus: { url: "http://127.0.0.1:1", query: tidecast_life_rate } }`)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/"event":"no decision from data"/);
  }, 30_000);

  it('a config with a bad URL is one line and exit 2', async () => {
    const r = await run(['scaler', '--once', '--config', config('bad-url', `{ prometheus: { url: "ftp://prom", query: x } }`)]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/source\.prometheus\.url: expected .*http:\/\/ or https:\/\/.*got "ftp:\/\/prom"/);
  }, 30_000);

  it('a history too fine for its interval is refused in one line (14 days at 1 ms kept 1.2e9 points), as is a forecast step too fine for the history', () => {
    const src = 'source: { prometheus: { url: "http://127.0.0.1:1", query: x } }';
    expect(() => parseScalerConfig(`interval: 1ms\nhistory: 14d\n${src}`, 'c.yaml')).toThrow(/^c\.yaml: history: 1209600 s of history at an interval of 0\.001 s keeps 1,209,600,000 points; expected at most 10,000,000/);
    expect(() => parseScalerConfig(`interval: 1s\nhistory: 3d\npolicy: { forecast: { step: 1s } }\n${src}`, 'c.yaml')).toThrow(/^c\.yaml: policy\.forecast\.step: 1 s over 259200 s of history makes 259,200 forecast steps; expected at most 100,000/);
    // the defaults fit: 14 days at 15 s, forecast steps of a minute
    expect(parseScalerConfig(src, 'c.yaml').history).toBe(14 * 86400);
  });
});

describe('learned lead time', () => {
  it('from a claim-to-ready latency query, clamped to [min, max], the static leadTime without an answer; in /metrics', async () => {
    const decide = async (query: string) => {
      const c = parseScalerConfig(`
interval: 1m
history: 1h
leadTime: 30s
policy: { little: {} }
source: { prometheus: { url: "${prom.url}", query: tidecast_life_rate, leadTimeQuery: { query: "${query}", min: 5s, max: 5m } } }
sinks: { http: { listen: "127.0.0.1:0" } }
`);
      const r = await startScaler(c, { log: () => {} });
      try {
        const d = await r.step(NOW);
        const m = await (await fetch(`http://127.0.0.1:${r.ports.http}/metrics`)).text();
        return { d, m };
      } finally {
        await r.close();
      }
    };
    const a = await decide('max(tidecast_life_ready_latency_seconds)');
    expect(a.d.leadTime).toEqual({ leadTimeS: 42, learned: true });
    expect(a.m).toMatch(/^tidecast_scaler_lead_time_seconds\{source="learned"\} 42$/m);
    // little sizes rate × lead time × 1.5: the policy used the learned 42 s (against 30 s: 1.4 times the pool)
    const b = await decide('vector(30)');
    expect(b.d.leadTime).toEqual({ leadTimeS: 30, learned: true });
    expect(a.d.target / b.d.target).toBeCloseTo(1.4, 1);
    expect((await decide('max(tidecast_life_ready_latency_seconds) * 100')).d.leadTime).toEqual({ leadTimeS: 300, learned: true });
    expect((await decide('max(no_such_metric)')).d.leadTime).toEqual({ leadTimeS: 30, learned: false });
  }, 30_000);
});

describe('the pool from Prometheus (poolQuery)', () => {
  it('ready is read at the decision time and passed on; replicas unknown without its query', async () => {
    const c = parseScalerConfig(`
interval: 1m
history: 1h
policy: { kpa: {} }
source: { prometheus: { url: "${prom.url}", query: tidecast_life_rate, poolQuery: { ready: "sum(tidecast_life_pool_ready)" } } }
sinks: { http: { listen: "127.0.0.1:0" } }
`);
    const r = await startScaler(c, { log: () => {} });
    try {
      const d = await r.step(NOW);
      expect(d.pool).toMatchObject({ ready: 17, replicas: null });
      expect(await (await fetch(`http://127.0.0.1:${r.ports.http}/metrics`)).text()).toMatch(/^tidecast_scaler_pool_ready 17$/m);
      // an hour before the series began: no value, so the status read fails and ready is the target
      const e = await r.step(NOW - 7200);
      expect(e.pool).toBeNull();
      expect(e.poolError).toMatch(/poolQuery.ready: no value/);
    } finally {
      await r.close();
    }
  }, 30_000);
});

describe('SIGTERM', () => {
  it('mid-read (the source hangs): exit 0 within 2 s', async () => {
    proxy.fault = 'hang';
    const before = proxy.requests;
    try {
      const r = await run(['scaler', '--config', config('term-read', `{ prometheus: { url: "${proxy.url}", query: tidecast_life_rate, timeout: 60s } }`, '', '30s')], () => proxy.requests > before);
      expect(r.code, r.err).toBe(0);
      console.log(`SIGTERM to exit: ${r.afterSignalMs.toFixed(0)} ms`);
      expect(r.afterSignalMs).toBeLessThan(2000);
    } finally {
      proxy.fault = 'pass';
    }
  }, 30_000);

  it('mid-publish (the Kubernetes API hangs on the PATCH): exit 0 within 2 s', async () => {
    kube.fault = 'hang';
    kube.faultOn = 'PATCH';
    kube.replicas = 0;
    const patches = () => kube.seen.filter((m) => m === 'PATCH').length;
    const before = patches();
    try {
      const f = config('term-publish', `{ prometheus: { url: "${prom.url}", query: tidecast_life_rate } }`, `sinks: { kubernetes: { namespace: agents, name: pool, kubeconfig: ${kube.kubeconfig} } }`);
      const r = await run(['scaler', '--config', f], () => patches() > before);
      expect(r.code, r.err).toBe(0);
      console.log(`SIGTERM to exit: ${r.afterSignalMs.toFixed(0)} ms`);
      expect(r.afterSignalMs).toBeLessThan(2000);
    } finally {
      kube.fault = 'ok';
      kube.faultOn = 'all';
    }
  }, 30_000);
});

describe('a dead scrape behind rate()', () => {
  it('is missing data (dead_scrape), not falling data: the target is held', async () => {
    // an exporter whose counter grows 20 a second, scraped every second
    const t0 = Date.now();
    const exporter = http.createServer((_req, res) => res.end(`# TYPE tidecast_dead_total counter\ntidecast_dead_total ${Math.floor(((Date.now() - t0) / 1000) * 20)}\n`));
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
    const port = (exporter.address() as AddressInfo).port;
    const live = new PrometheusServer('', `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: x\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
    await live.start();
    const c = parseScalerConfig(`
interval: 2s
history: 5m
leadTime: 30s
policy: { little: { headroom: 1, window: 10s } }
source: { prometheus: { url: "${live.url}", query: "sum(rate(tidecast_dead_total[10s]))", freshness: { query: "max(timestamp(tidecast_dead_total))", maxAge: 4s } } }
sinks: { http: { listen: "127.0.0.1:0" } }
safety: { staleAfter: 30s }
`);
    const r = await startScaler(c, { log: () => {} });
    try {
      let good = NaN;
      // until the 10 s rate window is full of scrapes
      for (let i = 0; i < 40 && !(good > 400); i++) {
        await new Promise((res) => setTimeout(res, 500));
        const d = await r.step(Date.now() / 1000);
        if (d.inputs.status === 'ok') good = d.target;
      }
      expect(good).toBeGreaterThan(400); // ~20/s × 30 s
      await new Promise<void>((res) => (exporter.closeAllConnections(), exporter.close(() => res())));
      const after: { status: string; kind?: string; target: number }[] = [];
      for (let i = 0; i < 6; i++) {
        await new Promise((res) => setTimeout(res, 1000));
        const d = await r.step(Date.now() / 1000);
        after.push({ status: d.inputs.status, kind: d.inputs.error?.kind, target: d.target });
      }
      // within ~3 s (a failed scrape marks the series stale at once; maxAge 4 s otherwise), then held
      expect(after.slice(3).every((a) => a.kind === 'dead_scrape'), JSON.stringify(after)).toBe(true);
      for (const a of after) expect(a.target, JSON.stringify(after)).toBeGreaterThanOrEqual(Math.min(good, after[0].target));
      expect(after.at(-1)!.target).toBeGreaterThanOrEqual(0.9 * good);
      const m = await (await fetch(`http://127.0.0.1:${r.ports.http}/metrics`)).text();
      expect(m).toMatch(/^tidecast_scaler_errors_total\{kind="dead_scrape"\} [1-9]/m);
    } finally {
      await r.close();
      await live.stop();
      exporter.close();
    }
  }, 60_000);
});
