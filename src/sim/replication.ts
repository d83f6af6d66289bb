import { Engine } from '../engine/engine.js';
import { Fleet } from '../model/fleet.js';
import { PoolController } from '../model/poolController.js';
import { pickTemplate, shareCdf, templateLeadTimeS, templatePlans } from '../model/templates.js';
import { templateMetrics } from './templateMetrics.js';
import { makePolicy } from '../policy/registry.js';
import { SERIES_COLUMNS, type Series } from '../model/metrics.js';
import { stream } from '../random/rng.js';
import type { Scenario } from '../scenario/schema.js';
import { makeArrivals, type PreparedInputs } from '../workload/build.js';
import type { LogHistogram } from '../stats/histogram.js';
import type { ExportedHistograms } from '../model/exportHistograms.js';

/** A nested record of numbers: one replication's metrics, shaped like the summary. */
export interface MetricTree {
  [key: string]: number | MetricTree;
}

/** What one replication produces. */
export interface ReplicationResult {
  replication: number;
  metrics: MetricTree;
  series: Series;
  /** Start latencies of counted sessions (for distribution charts); see LogHistogram.toJSON. */
  latency: ReturnType<LogHistogram['toJSON']>;
  events: number;
  wallSeconds: number;
  /** The pool policy's targets, one per decision (null without a policy): for sim-to-live parity. */
  poolTargets: number[] | null;
  /**
   * The engine's helper thread (wall-clock facts, not results): whether it served the run, the
   * simulated time it was dropped at (NaN: not dropped), and main's total wait for it (s).
   */
  helper: { used: boolean; droppedAtS: number; waitedS: number };
  /** Prometheus-style histogram tables, when asked for (`exportHistograms`). */
  exported?: ExportedHistograms;
}

/** How a replication runs (not what it computes: results are the same either way). */
export interface ReplicationOptions {
  /** The engine's helper thread (Engine `helper`): on, off, or 'auto' (if a core is free). */
  helper?: boolean | 'auto';
  /** Drops the helper at this simulated time (s), as a run does when the helper costs more than it saves: for tests and the bench. */
  dropHelperAtS?: number;
  /** Prometheus-style histogram tables for `--openmetrics` (off by default: nothing is kept). */
  exportHistograms?: boolean;
  /**
   * Called with the simulated time as the run advances (every 1/500 of the duration), for a
   * progress bar: the run goes in slices, which fires the same events in the same order.
   */
  onTime?: (simS: number, durationS: number) => void;
}

/** Slices of a run reported to `onTime`: 500 calls, each a few µs, on runs of seconds or more. */
const PROGRESS_SLICES = 500;

/**
 * Runs one replication of a scenario: a fresh engine and fleet, arrivals and every other
 * component drawing from streams seeded by (seed, replication, component), so replication r is
 * the same wherever and in whatever order it runs.
 */
export function runReplication(s: Scenario, inputs: PreparedInputs, replication: number, opts: ReplicationOptions = {}): ReplicationResult {
  const engine = new Engine({ helper: opts.helper });
  const arrivals = makeArrivals(s, inputs, stream(s.seed, replication, 'workload.arrivals'));
  const plans = templatePlans(s);
  const own = plans.map((t) => (t.arrivals ? makeArrivals(s, inputs, stream(s.seed, replication, `templates.${t.name}.arrivals`), t.name) : null));
  const fleet = new Fleet(engine, s, arrivals, replication, own, { exportHistograms: opts.exportHistograms });
  const interval = s.infrastructure.warmPool.decisionInterval;
  // a pool controller per template whose pool has a (non-static) policy
  const controllers = plans.map((t) =>
    t.pool.policy && !t.pool.policy.static
      ? new PoolController(engine, fleet.pool(t.index), makePolicy(t.pool.policy, t.pool.size, () => futureArrivals(s, inputs, replication, t.index)), interval, templateLeadTimeS(s, t))
      : null,
  );
  const controller = s.templates ? null : controllers[0];
  const t0 = performance.now();
  fleet.start();
  for (const c of controllers) c?.start();
  const used = engine.helping;
  let waitedS = 0;
  try {
    const dropAt = opts.dropHelperAtS;
    if (dropAt !== undefined && dropAt < s.duration) {
      engine.run(dropAt);
      engine.dropHelper();
    }
    const onTime = opts.onTime;
    if (onTime) {
      for (let k = 1; k < PROGRESS_SLICES; k++) {
        engine.run((s.duration * k) / PROGRESS_SLICES);
        onTime(engine.now, s.duration);
      }
    }
    engine.run(s.duration);
    onTime?.(s.duration, s.duration);
    waitedS = engine.helperWaitedS;
  } finally {
    engine.close();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const m = fleet.metrics;
  const now = s.duration;
  const windowS = s.duration - s.warmup;
  const inf = s.infrastructure;
  const nodes = fleet.nodes;
  const nodeSpec = inf.reserved.nodes;
  // with nodes, the capacity is the nodes billed (ready or provisioning) × their slots
  const slots = nodes && nodeSpec ? nodes.billed.mean(now) * nodeSpec.slotsPerNode : inf.reserved.slots;
  const reservedCost = nodes && nodeSpec
    ? (nodes.billed.integral(now) * nodeSpec.costPerNodeHour) / 3600
    : ((Number.isFinite(slots) ? slots * windowS : m.reservedBusy.integral(now)) * inf.reserved.costPerSlotHour) / 3600;
  const serverlessCost = inf.serverless.enabled ? m.serverlessBusy.integral(now) * inf.serverless.costPerSlotSecond : 0;
  const hib = inf.hibernation;
  const storageCost = hib ? (m.hibernated.integral(now) * hib.memoryGiB * hib.storageCostPerGiBHour) / 3600 : 0;
  const burst = inf.startupBurst;
  const burstCost = burst ? (m.creations * burst.extraCpu * burst.duration * burst.costPerCpuHour) / 3600 : 0;
  const total = reservedCost + serverlessCost + storageCost + burstCost;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const lat = m.latency;
  const metrics: MetricTree = {
    sessions: {
      arrived: m.arrived,
      started: m.started,
      completed: m.completed,
      inFlight: fleet.countInFlight(),
      rejected: m.rejected,
      queued: m.queued,
      overflowed: m.overflowed,
      warmHits: m.warmHits,
      coldStarts: m.coldStarts,
      hibernations: m.hibernations,
      wakes: m.wakes,
      lost: m.lost,
    },
    warmHitRate: ratio(m.warmHits, m.started),
    overflowRate: ratio(m.overflowed, m.arrived),
    rejectRate: ratio(m.rejected, m.arrived),
    queuedRate: ratio(m.queued, m.arrived),
    startLatency: {
      mean: lat.mean,
      p50: lat.quantile(0.5),
      p90: lat.quantile(0.9),
      p95: lat.quantile(0.95),
      p99: lat.quantile(0.99),
      max: lat.count > 0 ? lat.max : NaN,
    },
    queueWait: { mean: m.queueWait.mean, p99: m.queueWait.quantile(0.99) },
    fanout: {
      count: m.fanoutCount,
      completed: m.fanoutCompletion.count,
      failed: m.fanoutFailed,
      completion: { mean: m.fanoutCompletion.mean, p50: m.fanoutCompletion.quantile(0.5), p99: m.fanoutCompletion.quantile(0.99) },
    },
    wakeLatency: { mean: m.wakeLatency.mean, p50: m.wakeLatency.quantile(0.5), p99: m.wakeLatency.quantile(0.99) },
    queue: { mean: m.queue.mean(now), peak: m.queue.peak },
    concurrency: { mean: m.running.mean(now), peak: m.running.peak, hibernated: m.hibernated.mean(now) },
    capacity: {
      reservedBusy: { mean: m.reservedBusy.mean(now), peak: m.reservedBusy.peak },
      serverlessBusy: { mean: m.serverlessBusy.mean(now), peak: m.serverlessBusy.peak },
      reservedUtilization: Number.isFinite(slots) && slots > 0 ? m.reservedBusy.mean(now) / slots : NaN,
    },
    pool: { ready: { mean: m.poolReady.mean(now), min: m.poolMin === Infinity ? 0 : m.poolMin } },
    scheduler: { wait: { mean: m.schedulerWait.mean }, utilization: fleet.schedulerBusyS / windowS },
    outage: inf.zones?.outage ? { lost: fleet.outageLost, recovery: fleet.outageRecoveryS } : { lost: NaN, recovery: NaN },
    nodes: nodes ? { mean: nodes.billed.mean(now), peak: nodes.billed.peak, added: nodes.added, removed: nodes.removed } : { mean: NaN, peak: NaN, added: NaN, removed: NaN },
    api: fleet.api
      ? { utilization: fleet.api.busyS / windowS, creates: fleet.api.creates, deletes: fleet.api.deletes, createWait: { mean: fleet.api.creates > 0 ? fleet.api.createWaitS / fleet.api.creates : NaN } }
      : { utilization: NaN, creates: NaN, deletes: NaN, createWait: { mean: NaN } },
    cost: {
      total,
      reserved: reservedCost,
      serverless: serverlessCost,
      storage: storageCost,
      startupBurst: burstCost,
      perSession: ratio(total, m.arrived),
      // what holding ready pool sandboxes costs at their tier's price per slot (a share of the above, not extra)
      pool: m.poolReady.integral(now) * (inf.warmPool.tier === 'serverless' ? inf.serverless.costPerSlotSecond : (nodeSpec ? nodeSpec.costPerNodeHour / nodeSpec.slotsPerNode : inf.reserved.costPerSlotHour) / 3600),
    },
  };
  if (s.templates) metrics.templates = templateMetrics(s, fleet, metrics, now);
  const series = {} as Series;
  for (const c of SERIES_COLUMNS) series[c] = m.series[c].slice(0, m.rows);
  const out: ReplicationResult = { replication, metrics, series, latency: m.latency.toJSON(), events: engine.events, wallSeconds, poolTargets: controller ? controller.decisions : null, helper: { used, droppedAtS: engine.helperDroppedAtS, waitedS } };
  if (m.exported) out.exported = m.exported.toJSON();
  return out;
}

/** Mean time to refill a pool sandbox (of the first template): one scheduler service time plus the pool tier's mean cold start. */
export function refillLeadTimeS(s: Scenario): number {
  return templateLeadTimeS(s, templatePlans(s)[0]);
}

/**
 * Arrivals per second over the horizon (of template `t`), from a second copy of the run's
 * arrival process on the same stream, and its share draws: exactly the arrivals the run will
 * see (for the oracle policy).
 */
export function futureArrivals(s: Scenario, inputs: PreparedInputs, replication: number, t = 0): Float64Array {
  const plans = templatePlans(s);
  const plan = plans[t];
  const out = new Float64Array(Math.ceil(s.duration) + 1);
  if (plan.arrivals) {
    const a = makeArrivals(s, inputs, stream(s.seed, replication, `templates.${plan.name}.arrivals`), plan.name);
    for (let x = a.next(); x < s.duration; x = a.next()) out[Math.floor(x)]++;
    return out;
  }
  const a = makeArrivals(s, inputs, stream(s.seed, replication, 'workload.arrivals'));
  if (!s.templates) {
    for (let x = a.next(); x < s.duration; x = a.next()) out[Math.floor(x)]++;
    return out;
  }
  // the same share draws as the fleet's (one per arrival of workload.arrivals, in order)
  const share = stream(s.seed, replication, 'templates.share');
  const cdf = shareCdf(plans);
  for (let x = a.next(); x < s.duration; x = a.next()) {
    if (pickTemplate(plans, cdf, share.next()) === t) out[Math.floor(x)]++;
  }
  return out;
}
