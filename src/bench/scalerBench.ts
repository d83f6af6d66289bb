import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScalerConfig } from '../scaler/config.js';
import { startScaler } from '../scaler/run.js';
import type { ArrivalSource } from '../scaler/source.js';
import { readTrace, traceSpec } from '../workload/trace.js';

/**
 * The V8 flags the sidecar runs with (deploy/: NODE_OPTIONS): a 1 MB young generation instead of
 * 16 MB keeps its RSS near what it uses (~100 MB instead of ~160 MB) for a few % more GC time.
 */
export const SIDECAR_NODE_OPTIONS = '--max-semi-space-size=1 --max-old-space-size=128';

/**
 * The live scaler's resource use (issue #7: ≤ 120 MB RSS, ≤ 20 ms per decision with 2 weeks of
 * 1-minute history): the sidecar as each route deploys it — HTTP + metrics with the KEDA gRPC
 * sink, or with the Kubernetes sink (its client library loaded, patches sent to a closed port) —
 * the forecast policy, fed 2 weeks of 1-minute arrivals (traces/tidal-2w-1m.csv) from memory as
 * Prometheus would answer them, deciding every minute over the last 4 hours of the fortnight.
 */
export async function scalerBench(kubernetes = false): Promise<Record<string, number>> {
  const t = readTrace(traceSpec(fileURLToPath(new URL('../../traces/tidal-2w-1m.csv', import.meta.url))));
  if (t.kind !== 'intervals') throw new Error('expected an interval trace');
  const counts = t.curve.ratesPerS.map((r) => r * t.curve.stepS);
  const step = t.curve.stepS;
  const source: ArrivalSource = {
    name: 'memory',
    async read(endS, n, stepS) {
      const out = new Float64Array(n).fill(NaN);
      for (let i = 0; i < n; i++) {
        const k = Math.round((endS - (n - 1 - i) * stepS - t.t0S) / step) - 1; // interval ending at that time
        if (k >= 0 && k < counts.length) out[i] = counts[k];
      }
      return out;
    },
  };
  const c = parseScalerConfig(`
interval: 1m
history: 14d
leadTime: 25s
policy: { forecast: {} }
source: { file: { path: unused.csv } }
sinks: { http: { listen: "127.0.0.1:0" }, ${kubernetes ? `kubernetes: { namespace: agents, name: pool, retries: 0, kubeconfig: ${kubeconfigFile()} }` : 'keda: { listen: "127.0.0.1:0" }'} }
`);
  const r = await startScaler(c, { source, log: () => {} });
  const ms: number[] = [];
  const decide: number[] = [];
  const first = counts.length - 240;
  const deferred: number[] = [];
  for (let k = first; k <= counts.length; k++) {
    const w0 = performance.now();
    const d = await r.step(t.t0S + k * step);
    deferred.push(performance.now() - w0 - d.durationMs);
    if (d.inputs.status !== 'ok') throw new Error(`decision ${k}: ${d.inputs.status}`);
    ms.push(d.durationMs);
    decide.push(d.decideMs);
  }
  await r.close();
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const refits = ms.filter((x) => x > 50).length;
  return {
    decisions: ms.length,
    historyPoints: first,
    firstMs: ms[0],
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: sorted.at(-1)!,
    meanMs: ms.reduce((a, b) => a + b, 0) / ms.length,
    slowDecisions: refits,
    refits: deferred.filter((x) => x > 20).length,
    refitMaxMs: Math.max(...deferred),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    rssMB: process.memoryUsage().rss / 1024 / 1024,
  };
}

/** A kubeconfig whose API server refuses connections: the client library loads, its patches fail fast. */
function kubeconfigFile(): string {
  const f = join(mkdtempSync(join(tmpdir(), 'tidecast-bench-')), 'kubeconfig');
  writeFileSync(f, 'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n');
  return f;
}
