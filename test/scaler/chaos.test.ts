import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScalerConfig } from '../../src/scaler/config.js';
import { startScaler, type Running } from '../../src/scaler/run.js';
import type { Decision } from '../../src/scaler/scaler.js';
import { ChaosProxy, type Fault } from './chaosProxy.js';
import { KubeStandIn } from './kubeStandIn.js';
import { available, MISSING, openMetrics, PrometheusServer } from './prometheusServer.js';

/**
 * The chaos suite: a real Prometheus on loopback holding two hours of 2-second arrival counts,
 * a fault-injecting proxy in front of it, and a Kubernetes API stand-in. Decisions run on a
 * 2 s interval (simulated decision times inside the data, wall-clock deadlines). For every fault
 * it asserts: no crash (step never throws), no decision longer than its interval, the target
 * never lowered on missing or suspect data, recovery at the first good read, and the right error
 * kind in /metrics.
 */
const STEP = 2;
const BASE = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
const N = 3600; // two hours of 2 s points
/** A short transient 100 times the usual (5,000 claims per interval; below the maxRate cap, so the relative screen is what catches it) at these ticks: never believed. */
const BURST = [1500, 1501];
const count = (k: number) => (BURST.includes(k) ? 5000 : Math.round(20 + 8 * Math.sin((2 * Math.PI * k) / 900)));

let prom: PrometheusServer;
let proxy: ChaosProxy;
let kube: KubeStandIn;
let r: Running;
let k = 600; // the decision tick: 20 minutes of history in
let lastGood = 0;
const durations: number[] = [];

const at = (tick: number) => BASE + tick * STEP;
const metrics = async () => (await fetch(`http://127.0.0.1:${r.ports.http}/metrics`)).text();
const errorsOf = async (kind: string) => Number((await metrics()).match(new RegExp(`^tidecast_scaler_errors_total\\{kind="${kind}"\\} (\\S+)$`, 'm'))?.[1] ?? 0);

/** One decision: never throws, never outlasts its interval, never lowers the target without good data. */
async function tick(): Promise<Decision> {
  const t0 = performance.now();
  const d = await r.step(at(k++));
  const ms = performance.now() - t0;
  durations.push(ms);
  expect(ms, `decision at tick ${k - 1} took ${ms.toFixed(0)} ms`).toBeLessThanOrEqual(STEP * 1000);
  if (d.inputs.status === 'ok') lastGood = d.target;
  else {
    expect(d.target, `tick ${k - 1} (${d.inputs.status}): lowered on unusable data`).toBeGreaterThanOrEqual(lastGood);
    expect(d.reason).not.toBe('policy');
  }
  return d;
}

beforeAll(async () => {
  expect(available(), MISSING).toBe(true);
  const samples: [number, number][] = [];
  for (let i = 1; i <= N; i++) samples.push([at(i), count(i)]);
  prom = new PrometheusServer(openMetrics({ tidecast_chaos_arrivals: samples }));
  await prom.start();
  proxy = new ChaosProxy(() => prom.url);
  await proxy.start();
  kube = new KubeStandIn();
  kube.ready = 37;
  await kube.start();
  const c = parseScalerConfig(`
interval: ${STEP}s
history: 20m
leadTime: 30s
initial: 10
policy: { little: { headroom: 1.5, window: 20s } }
source: { prometheus: { url: "${proxy.url}", query: tidecast_chaos_arrivals, valueIs: count, timeout: 5s } }
sinks: { http: { listen: "127.0.0.1:0" }, kubernetes: { namespace: agents, name: pool, kubeconfig: ${kube.kubeconfig} } }
safety: { staleAfter: 10s, floor: 100000, floorAfter: 1h }
`);
  r = await startScaler(c, { log: () => {} });
  for (let i = 0; i < 5; i++) expect((await tick()).inputs.status).toBe('ok');
}, 60_000);

afterAll(async () => {
  await r?.close();
  await proxy?.close();
  await kube?.stop();
  await prom?.stop();
});

describe('chaos: source faults', () => {
  const cases: [Fault, string, 'error' | 'suspect'][] = [
    ['hang', 'timeout', 'error'],
    ['drip', 'timeout', 'error'],
    ['error5xx', 'http', 'error'],
    ['throttle', 'http', 'error'],
    ['garbage', 'bad_response', 'error'],
    ['partial', 'bad_response', 'error'],
    ['null', 'bad_response', 'error'],
    ['reset', 'unreachable', 'error'],
    ['hugeBody', 'too_large', 'error'],
    ['manySeries', 'too_large', 'error'],
    ['huge', 'suspect', 'suspect'],
    ['nonsense', 'suspect', 'suspect'],
  ];
  it.each(cases)('%s: held target, %s in /metrics, recovery at the first good read', async (fault, kind, status) => {
    const before = await errorsOf(kind);
    proxy.fault = fault;
    for (let i = 0; i < 2; i++) {
      const d = await tick();
      expect(d.inputs.status).toBe(status);
      if (status === 'error') expect(d.inputs.error?.kind).toBe(kind);
    }
    expect(await errorsOf(kind)).toBe(before + 2);
    proxy.fault = 'pass';
    const d = await tick();
    expect(d.inputs.status).toBe('ok');
    expect(d.reason).toBe('policy');
  }, 20_000);

  it('a transient 100 times the usual in the history is dropped, never believed, and never stays', async () => {
    k = BURST[0] - 3;
    const seen: Decision[] = [];
    for (let i = 0; i < 8; i++) seen.push(await tick());
    // held while it might be a new level, then dropped when lower values end it
    expect(seen[3].inputs.status).toBe('suspect');
    expect(seen[5].inputs).toMatchObject({ status: 'ok', suspect: { dropped: 2, held: 0 } });
    for (const d of seen) expect(d.target).toBeLessThan(2000); // ~28 claims/s × 30 s × 1.5 at most
    expect(await metrics()).toMatch(/^tidecast_scaler_suspect_values_total\{action="dropped"\} [1-9]/m);
  }, 20_000);

  it('Prometheus killed and restarted: unreachable while down, back at the first good read', async () => {
    await prom.stop();
    const before = await errorsOf('unreachable');
    for (let i = 0; i < 2; i++) expect((await tick()).inputs.error?.kind).toBe('unreachable');
    expect(await errorsOf('unreachable')).toBe(before + 2);
    await prom.start();
    expect((await tick()).inputs.status).toBe('ok');
  }, 60_000);
});

describe('chaos: the pool and the Kubernetes API', () => {
  it('reads ready from the pool (the policy, /targets, /metrics see it) and reconciles a kubectl scale', async () => {
    const d = await tick();
    expect(d.pool).toMatchObject({ ready: 37 });
    expect(kube.replicas).toBe(d.target);
    const targets = JSON.parse(await (await fetch(`http://127.0.0.1:${r.ports.http}/targets`)).text());
    expect(targets.pool).toMatchObject({ ready: 37, replicas: d.target });
    expect(await metrics()).toMatch(/^tidecast_scaler_pool_ready 37$/m);
    kube.replicas = 3; // someone scaled the pool by hand
    const patches = kube.patches.length;
    const e = await tick();
    expect(kube.patches.length).toBe(patches + 1);
    expect(kube.replicas).toBe(e.target);
  }, 20_000);

  const apiFault = async (fault: 'hang' | 'reset' | 'throttle', on: 'all' | 'PATCH') => {
    kube.fault = fault;
    kube.faultOn = on;
    kube.replicas = 1; // not the target: a patch is due every decision
    const sinkErrors = async () => (await errorsOf('sink_kubernetes')) + (await errorsOf('sink_kubernetes_throttled'));
    const before = { sink: await sinkErrors(), pool: await errorsOf('pool') };
    try {
      for (let i = 0; i < 3; i++) {
        const d = await tick();
        expect(d.inputs.status).toBe('ok');
        // the status read failed too (ready is taken to be the target), or answered
        if (on === 'all') expect(d.pool).toBeNull();
        else expect(d.pool).toMatchObject({ replicas: 1, ready: 37 });
        const targets = JSON.parse(await (await fetch(`http://127.0.0.1:${r.ports.http}/targets`)).text());
        expect(targets.nowS).toBe(d.nowS); // the HTTP sink has this decision: the Kubernetes one did not hold it up
      }
      if (on === 'all') expect(await errorsOf('pool')).toBe(before.pool + 3);
      else expect(await sinkErrors()).toBe(before.sink + 3);
    } finally {
      kube.fault = 'ok';
      kube.faultOn = 'all';
    }
  };

  it.each([
    ['hang', 'all'],
    ['hang', 'PATCH'],
    ['reset', 'all'],
    ['reset', 'PATCH'],
  ] as const)('API server %s (%s requests): the decision keeps its deadline, the other sinks publish, the error is counted', (fault, on) => apiFault(fault, on), 30_000);

  it('API server refusing connections, then back: patched at the first decision it answers', async () => {
    await kube.stop();
    const d = await tick();
    expect(d.pool).toBeNull();
    await kube.start();
    kube.replicas = 2;
    const e = await tick();
    expect(kube.replicas).toBe(e.target);
    expect(Math.max(...durations)).toBeLessThanOrEqual(STEP * 1000);
  }, 20_000);

  it('API server 429 with Retry-After: 600 on the PATCH: honoured by skipping the sink, never by waiting (last: it lasts)', async () => {
    const before = await errorsOf('sink_kubernetes_throttled');
    const patches = kube.seen.filter((m) => m === 'PATCH').length;
    await apiFault('throttle', 'PATCH');
    // one PATCH was refused; the next decisions did not send any
    expect(kube.seen.filter((m) => m === 'PATCH').length).toBe(patches + 1);
    expect(await errorsOf('sink_kubernetes_throttled')).toBe(before + 2);
  }, 30_000);
});
