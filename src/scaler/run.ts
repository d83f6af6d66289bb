import { UserError } from '../errors.js';
import { makePolicy } from '../policy/registry.js';
import type { ScalerConfig } from './config.js';
import { FileSource } from './fileSource.js';
import { HttpSink } from './httpSink.js';
import { readSinkSecurity } from './serverSecurity.js';
import { HttpSource } from './httpSource.js';
import { ScalerMetrics } from './metrics.js';
import { PrometheusSource } from './prometheusSource.js';
import { deadlineSignal, untilAborted } from './deadline.js';
import type { PoolReader } from './pool.js';
import { PUBLISH_SHARE, Scaler, sleepUnless, type Decision } from './scaler.js';
import type { Sink } from './sink.js';
import type { ArrivalSource } from './source.js';
import { StdoutSink } from './stdoutSink.js';

/** Time sinks get to publish a decision made while shutting down (ms): within SIGTERM's 2 s. */
const SHUTDOWN_PUBLISH_MS = 500;

/** A structured log line (JSON on stderr, so stdout stays decisions only). */
export type Log = (event: string, fields?: Record<string, unknown>) => void;
export const stderrLog: Log = (event, fields = {}) => process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + '\n');

export function makeSource(c: ScalerConfig): ArrivalSource {
  const s = c.source;
  if (s.prometheus) return new PrometheusSource(s.prometheus.url, s.prometheus.query, s.prometheus.valueIs, { ...s.prometheus, freshnessQuery: s.prometheus.freshness?.query });
  if (s.http) return new HttpSource(s.http.url, s.http.valueIs, s.http);
  return FileSource.open(s.file!.path, s.file!.timeColumn);
}

/** The pool's state from Prometheus instant queries (ready, and spec.replicas when asked for). */
function prometheusPool(source: ArrivalSource & Required<Pick<ArrivalSource, 'scalar'>>, q: { ready: string; replicas?: string }): PoolReader {
  return {
    name: `${source.name} (poolQuery)`,
    async read(limits, now) {
      const [ready, replicas] = await Promise.all([source.scalar(q.ready, now, limits), q.replicas ? source.scalar(q.replicas, now, limits) : null]);
      if (!Number.isFinite(ready)) throw new Error('poolQuery.ready: no value');
      return { ready: Math.round(ready), replicas: replicas === null || !Number.isFinite(replicas) ? null : Math.round(replicas) };
    },
  };
}

/** A scaler with its sinks, started (servers listening). */
export interface Running {
  scaler: Scaler;
  sinks: Sink[];
  metrics: ScalerMetrics | null;
  ports: { http?: number; keda?: number };
  /**
   * One decision at `nowS`, published to every sink at once; it ends by `PUBLISH_SHARE` of the
   * interval whatever a sink is doing (a slow sink is abandoned for this decision, its request
   * aborted). `signal` (shutdown) cuts reads and publishing short; the decision then holds the
   * last good target and is still published where a sink can take it at once.
   */
  step(nowS: number, o?: { signal?: AbortSignal; settle?: boolean }): Promise<Decision>;
  close(): Promise<void>;
}

export interface StartOptions {
  source?: ArrivalSource;
  dryRun?: boolean;
  log?: Log;
  /** Replace stdout (tests). */
  write?: (line: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Wall clock (ms) for the decision's deadlines; injectable for tests. */
  wallMs?: () => number;
}

/** Builds the scaler from its config and starts its sinks. */
export async function startScaler(c: ScalerConfig, o: StartOptions = {}): Promise<Running> {
  const log = o.log ?? stderrLog;
  const source = o.source ?? makeSource(c);
  const policy = makePolicy(c.policy, c.initial, () => {
    throw new Error('the oracle cannot run live');
  });
  const sinks: Sink[] = [];
  let pool: PoolReader | undefined;
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
    const k = await KubernetesSink.create(kc, (e, f) => log(e, f), (kind) => metrics?.errors.inc({ kind }), o.sleep);
    pool = k.poolReader() ?? undefined;
    sinks.push(k);
  }
  const pq = c.source.prometheus?.poolQuery;
  if (!pool && pq && source.scalar) pool = prometheusPool(source as Required<Pick<ArrivalSource, 'scalar'>> & ArrivalSource, pq);
  const wallMs = o.wallMs ?? (() => performance.now());
  const scaler = new Scaler(c, { source, policy, pool, sleep: o.sleep, wallMs });
  if (c.sinks.stdout) sinks.push(new StdoutSink(o.write));
  let prevStatus = 'ok';
  return {
    scaler,
    sinks,
    metrics,
    ports,
    async step(nowS, so = {}) {
      const t0 = wallMs();
      const d = await scaler.tick(nowS, so);
      // log changes of input health, not every decision
      if (d.inputs.status !== prevStatus) {
        if (d.inputs.status === 'ok') log('inputs usable again', { target: d.target });
        else log('inputs unusable', { status: d.inputs.status, error: d.inputs.error, stalenessS: d.inputs.stalenessS, target: d.target, reason: d.reason });
        prevStatus = d.inputs.status;
      }
      // every sink at once, all under one deadline: a hung API server costs its own sink this
      // decision, never the others or the loop
      const budgetMs = c.interval * 1000 * PUBLISH_SHARE - (wallMs() - t0);
      // (never more than the interval's 90% plus the 5% grace below, so a decision ends inside its interval)
      const softMs = so.signal?.aborted ? SHUTDOWN_PUBLISH_MS : Math.max(0, budgetMs);
      // sinks get `soft` (they end their own calls and count their own failures); the loop stops
      // waiting at `hard`, a moment later, for a sink that does not honour it
      const soft = deadlineSignal(softMs, so.signal?.aborted ? undefined : so.signal);
      const hard = deadlineSignal(softMs + Math.min(100, c.interval * 50), so.signal?.aborted ? undefined : so.signal);
      try {
        await Promise.all(
          sinks.map(async (s) => {
            try {
              const done = await untilAborted(s.publish(d, soft.signal).then(() => true), hard.signal);
              if (!done) {
                metrics?.errors.inc({ kind: `sink_${s.name}` });
                log('sink skipped: no answer within the decision deadline', { sink: s.name });
              }
            } catch (e) {
              metrics?.errors.inc({ kind: `sink_${s.name}` });
              log('sink failed', { sink: s.name, error: (e as Error).message });
            }
          }),
        );
      } finally {
        soft.dispose();
        hard.dispose();
      }
      // the policy's deferred work (a forecast refit) runs now, between decisions, off the decision path
      const w0 = performance.now();
      policy.runDeferred?.();
      metrics?.observeDeferred((performance.now() - w0) / 1000);
      return d;
    },
    async close() {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
}

/**
 * The live loop: decisions on a fixed grid (start + k·interval) by the wall clock, never two at
 * once (a late decision skips the grid points it missed), until `signal` aborts (SIGTERM). The
 * signal reaches into the decision in flight (its reads and sink calls end at once), and the wait
 * between decisions adds one abort listener and removes it, so nothing grows with the decisions.
 */
export async function runLive(r: Running, intervalS: number, signal: AbortSignal, nowS: () => number = () => Date.now() / 1000): Promise<void> {
  let next = nowS();
  while (!signal.aborted) {
    await r.step(next, { signal });
    if (signal.aborted) break;
    const now = nowS();
    next += intervalS * Math.max(1, Math.ceil((now - next) / intervalS));
    await sleepUnless((next - nowS()) * 1000, signal);
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
