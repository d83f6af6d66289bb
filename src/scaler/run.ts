import { UserError } from '../errors.js';
import { makePolicy } from '../policy/registry.js';
import type { ScalerConfig } from './config.js';
import { FileSource } from './fileSource.js';
import { HttpSink } from './httpSink.js';
import { readSinkSecurity } from './serverSecurity.js';
import { HttpSource } from './httpSource.js';
import { ScalerMetrics } from './metrics.js';
import { PrometheusSource } from './prometheusSource.js';
import { Scaler, type Decision } from './scaler.js';
import type { Sink } from './sink.js';
import type { ArrivalSource } from './source.js';
import { StdoutSink } from './stdoutSink.js';

/** A structured log line (JSON on stderr, so stdout stays decisions only). */
export type Log = (event: string, fields?: Record<string, unknown>) => void;
export const stderrLog: Log = (event, fields = {}) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + '\n');

export function makeSource(c: ScalerConfig): ArrivalSource {
  const s = c.source;
  if (s.prometheus) return new PrometheusSource(s.prometheus.url, s.prometheus.query, s.prometheus.valueIs, s.prometheus);
  if (s.http) return new HttpSource(s.http.url, s.http.valueIs, s.http);
  return FileSource.open(s.file!.path, s.file!.timeColumn);
}

/** A scaler with its sinks, started (servers listening). */
export interface Running {
  scaler: Scaler;
  sinks: Sink[];
  metrics: ScalerMetrics | null;
  ports: { http?: number; keda?: number };
  /** One decision at `nowS`, published to every sink. */
  step(nowS: number): Promise<Decision>;
  close(): Promise<void>;
}

export interface StartOptions {
  source?: ArrivalSource;
  dryRun?: boolean;
  log?: Log;
  /** Replace stdout (tests). */
  write?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Builds the scaler from its config and starts its sinks. */
export async function startScaler(c: ScalerConfig, o: StartOptions = {}): Promise<Running> {
  const log = o.log ?? stderrLog;
  const source = o.source ?? makeSource(c);
  const policy = makePolicy(c.policy, c.initial, () => {
    throw new Error('the oracle cannot run live');
  });
  const scaler = new Scaler(c, { source, policy, sleep: o.sleep });
  const sinks: Sink[] = [];
  const ports: Running['ports'] = {};
  const metrics = c.sinks.http?.metrics ? new ScalerMetrics() : null;
  if (metrics) sinks.push(metrics);
  metrics?.setLimits(c.safety);
  // certificates and token read before any server starts: a bad file is one line naming its key
  const { httpSecurity, kedaTls } = readSinkSecurity(c);
  try {
    if (c.sinks.http) {
      const h = new HttpSink(c.interval, metrics, undefined, httpSecurity);
      ports.http = await h.listen(c.sinks.http.listen);
      sinks.push(h);
    }
    if (c.sinks.keda) {
      // gRPC and protobuf load only for the KEDA route (~25 MB), the Kubernetes client only for the direct one
      const { KedaSink } = await import('./kedaSink.js');
      const k = new KedaSink(c.sinks.keda.metricName, kedaTls);
      ports.keda = await k.listen(c.sinks.keda.listen);
      sinks.push(k);
    }
  } catch (e) {
    await Promise.all(sinks.map((s) => s.close()));
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const which = ports.http === undefined && c.sinks.http ? `sinks.http.listen: cannot listen on ${c.sinks.http.listen}` : `sinks.keda.listen: cannot listen on ${c.sinks.keda?.listen}`;
    throw new UserError(`${which} (${code})`);
  }
  if (c.sinks.kubernetes) {
    const kc = { ...c.sinks.kubernetes, dryRun: c.sinks.kubernetes.dryRun || !!o.dryRun };
    const { KubernetesSink } = await import('./kubernetesSink.js');
    sinks.push(await KubernetesSink.create(kc, (e, f) => log(e, f), (kind) => metrics?.errors.inc({ kind }), o.sleep));
  }
  if (c.sinks.stdout) sinks.push(new StdoutSink(o.write));
  let prevStatus = 'ok';
  return {
    scaler,
    sinks,
    metrics,
    ports,
    async step(nowS) {
      const d = await scaler.tick(nowS);
      // log changes of input health, not every decision
      if (d.inputs.status !== prevStatus) {
        if (d.inputs.status === 'ok') log('inputs usable again', { target: d.target });
        else log('inputs unusable', { status: d.inputs.status, error: d.inputs.error, stalenessS: d.inputs.stalenessS, target: d.target, reason: d.reason });
        prevStatus = d.inputs.status;
      }
      for (const s of sinks) {
        try {
          await s.publish(d);
        } catch (e) {
          metrics?.errors.inc({ kind: `sink_${s.name}` });
          log('sink failed', { sink: s.name, error: (e as Error).message });
        }
      }
      // the policy's deferred work (a forecast refit) runs now, between decisions, off the decision path
      const t0 = performance.now();
      policy.runDeferred?.();
      metrics?.observeDeferred((performance.now() - t0) / 1000);
      return d;
    },
    async close() {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}

/**
 * The live loop: decisions on a fixed grid (start + k·interval) by the wall clock, never two at
 * once (a late decision skips the grid points it missed), until `signal` aborts (SIGTERM).
 */
export async function runLive(r: Running, intervalS: number, signal: AbortSignal, nowS: () => number = () => Date.now() / 1000): Promise<void> {
  let next = nowS();
  while (!signal.aborted) {
    await r.step(next);
    const now = nowS();
    next += intervalS * Math.max(1, Math.ceil((now - next) / intervalS));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, (next - nowS()) * 1000));
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}

/**
 * Replay with a simulated clock: decisions at start + k·interval (k ≥ 1) until `endS`, as fast
 * as they compute. Used for sim-to-live parity and to preview a config on a trace.
 */
export async function runReplay(r: Running, intervalS: number, startS: number, endS: number): Promise<Decision[]> {
  const out: Decision[] = [];
  for (let k = 1; startS + k * intervalS <= endS + 1e-9; k++) out.push(await r.step(startS + k * intervalS));
  return out;
}
