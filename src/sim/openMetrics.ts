import type { HistogramTable } from '../stats/bucketHistogram.js';
import type { ReplicationResult } from './replication.js';

/**
 * The metric names a run writes with `tidecast run --openmetrics` and `tidecast calibrate` reads
 * by default. Where kubernetes-sigs/agent-sandbox (internal/metrics/metrics.go,
 * warmpool_collector.go) or OpenKruise Agents (pkg/sandbox-manager/metrics.go, the SandboxSet
 * state metrics) export the quantity, its name is used (with its unit: agent-sandbox's latencies
 * are in milliseconds); the rest are `tidecast_` names.
 */
export const OM = {
  claims: 'tidecast_claims', // counter: claims requested (arrivals)
  starts: 'agent_sandbox_claim_creation', // counter {launch_type=warm|cold}: sandboxes adopted or created for claims
  overflows: 'tidecast_overflows', // counter: sessions sent to serverless
  queued: 'tidecast_queued', // counter: sessions that waited for a reserved slot
  rejected: 'tidecast_rejected', // counter: sessions refused
  finished: 'agent_sandbox_finished', // counter {reason=PodSucceeded}: sessions ended
  running: 'agent_sandboxes', // gauge {ready_condition=true,owned_by=SandboxClaim}: sessions running
  poolReady: 'agent_sandbox_warmpool_size', // gauge {sandbox_status=ready}
  poolAvailable: 'sandboxset_available_replicas', // gauge (OpenKruise): ready pool sandboxes
  poolDesired: 'sandboxset_desired_replicas', // gauge (OpenKruise): the pool's target
  queue: 'tidecast_queue_length', // gauge
  reservedBusy: 'tidecast_reserved_busy_slots', // gauge
  serverlessBusy: 'tidecast_serverless_busy_slots', // gauge
  reservedCapacity: 'tidecast_reserved_capacity_slots', // gauge: reserved slots (fixed capacity)
  startLatency: 'agent_sandbox_claim_startup_latency_ms', // histogram {launch_type}, ms
  creation: 'agent_sandbox_creation_latency_ms', // histogram {launch_type=cold|warm}, ms: reserved cold starts, pool refills
  serverlessCreation: 'tidecast_serverless_creation_latency_seconds', // histogram, s
  sessionDuration: 'tidecast_session_duration_seconds', // histogram, s
} as const;

/** Options of the export. */
export interface OpenMetricsOptions {
  /** Epoch seconds that simulated time 0 maps to. */
  startS: number;
  /** The value of the `scenario` label on every series (tells a simulated fleet from a real one). */
  scenario: string;
  /** Fixed reserved capacity, slots (written as a gauge when finite). */
  reservedSlots?: number;
}

const num = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');
const ts = (s: number) => String(Math.round(s * 1000) / 1000);
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * One replication's run as OpenMetrics text (ending in `# EOF`), for `promtool tsdb
 * create-blocks-from openmetrics`: counters and histograms are cumulative over the whole run
 * (warm-up included, as a fleet's exporter would count), sampled at time 0 (all zero) and at
 * each output interval's end; gauges are the interval's time-weighted mean (pool, concurrency)
 * at its end. Histograms exist when the run kept them (`exportHistograms`). Pure: the same
 * result and options give the same bytes.
 */
export function openMetricsText(r: ReplicationResult, o: OpenMetricsOptions): string {
  const out: string[] = [];
  const s = r.series;
  const n = s.t.length;
  const base = `scenario="${esc(o.scenario)}"`;
  const times = [o.startS, ...Array.from(s.t, (t) => o.startS + t)];
  const family = (name: string, type: string, help: string) => out.push(`# TYPE ${name} ${type}`, `# HELP ${name} ${help}`);
  const counter = (labels: string, col: Float64Array) => {
    let c = 0;
    return (name: string) => {
      out.push(`${name}_total{${base}${labels}} 0 ${ts(times[0])}`);
      for (let i = 0; i < n; i++) {
        c += col[i];
        out.push(`${name}_total{${base}${labels}} ${num(c)} ${ts(times[i + 1])}`);
      }
    };
  };
  const gauge = (name: string, labels: string, col: Float64Array) => {
    for (let i = 0; i < n; i++) out.push(`${name}{${base}${labels}} ${num(col[i])} ${ts(times[i + 1])}`);
  };
  const hist = (name: string, labels: string, h: HistogramTable | undefined, unit: number) => {
    if (!h) return;
    const w = h.bounds.length + 2;
    const les = [...h.bounds.map((b) => num(b * unit)), '+Inf'];
    for (let row = -1; row < h.rows; row++) {
      const t = ts(times[row + 1]);
      for (let i = 0; i < les.length; i++) out.push(`${name}_bucket{${base}${labels},le="${les[i]}"} ${row < 0 ? 0 : num(h.table[row * w + i])} ${t}`);
      out.push(`${name}_count{${base}${labels}} ${row < 0 ? 0 : num(h.table[row * w + w - 2])} ${t}`);
      out.push(`${name}_sum{${base}${labels}} ${row < 0 ? 0 : num(h.table[row * w + w - 1] * unit)} ${t}`);
    }
  };

  family(OM.claims, 'counter', 'Sandbox claims requested (session arrivals).');
  counter('', s.arrivals)(OM.claims);
  family(OM.starts, 'counter', 'Sandboxes adopted from the warm pool (warm) or created (cold) for a claim, as agent-sandbox counts them.');
  counter(',launch_type="warm"', s.warmHits)(OM.starts);
  counter(',launch_type="cold"', s.coldStarts)(OM.starts);
  family(OM.overflows, 'counter', 'Claims sent to serverless capacity (overflow).');
  counter('', s.overflowed)(OM.overflows);
  family(OM.queued, 'counter', 'Claims that waited for a reserved slot.');
  counter('', s.queued)(OM.queued);
  family(OM.rejected, 'counter', 'Claims refused (no capacity).');
  counter('', s.rejected)(OM.rejected);
  family(OM.finished, 'counter', 'Sessions ended (their sandbox finished).');
  counter(',reason="PodSucceeded"', s.completed)(OM.finished);

  family(OM.running, 'gauge', 'Sandboxes running a session (time-weighted mean over the interval ending at the sample).');
  gauge(OM.running, ',ready_condition="true",owned_by="SandboxClaim"', s.concurrency);
  family(OM.poolReady, 'gauge', 'Ready sandboxes in the warm pool (time-weighted mean over the interval).');
  gauge(OM.poolReady, ',sandbox_status="ready"', s.poolReady);
  family(OM.poolAvailable, 'gauge', 'Ready sandboxes in the warm pool, as OpenKruise Agents names it (time-weighted mean).');
  gauge(OM.poolAvailable, '', s.poolReady);
  family(OM.poolDesired, 'gauge', "The warm pool's target size at the interval's end.");
  gauge(OM.poolDesired, '', s.poolTarget);
  family(OM.queue, 'gauge', 'Claims waiting for a reserved slot (time-weighted mean).');
  gauge(OM.queue, '', s.queue);
  family(OM.reservedBusy, 'gauge', 'Reserved slots held (time-weighted mean).');
  gauge(OM.reservedBusy, '', s.reservedBusy);
  family(OM.serverlessBusy, 'gauge', 'Serverless slots held (time-weighted mean).');
  gauge(OM.serverlessBusy, '', s.serverlessBusy);

  if (o.reservedSlots !== undefined && Number.isFinite(o.reservedSlots)) {
    family(OM.reservedCapacity, 'gauge', 'Reserved slots (capacity).');
    gauge(OM.reservedCapacity, '', new Float64Array(n).fill(o.reservedSlots));
  }

  const x = r.exported;
  if (x) {
    family(OM.startLatency, 'histogram', 'Claim to sandbox ready, milliseconds (agent-sandbox buckets).');
    hist(OM.startLatency, ',launch_type="warm"', x.startWarm, 1000);
    hist(OM.startLatency, ',launch_type="cold"', x.startCold, 1000);
    family(OM.creation, 'histogram', 'Sandbox creation to ready (the cold start), milliseconds: sessions (cold) and warm-pool refills (warm).');
    hist(OM.creation, ',launch_type="cold"', x.createCold, 1000);
    hist(OM.creation, ',launch_type="warm"', x.createRefill, 1000);
    family(OM.serverlessCreation, 'histogram', 'Serverless cold start of overflowed claims, seconds.');
    hist(OM.serverlessCreation, '', x.createServerless, 1);
    family(OM.sessionDuration, 'histogram', 'Session duration (sandbox ready to session end), seconds.');
    hist(OM.sessionDuration, '', x.session, 1);
  }
  out.push('# EOF', '');
  return out.join('\n');
}
