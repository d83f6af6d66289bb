import { Engine } from '../engine/engine.js';
import { Fleet } from '../model/fleet.js';
import { PoolController } from '../model/poolController.js';
import { pickTemplate, shareCdf, templateLeadTimeS, templatePlans } from '../model/templates.js';
import { templateMetrics } from './templateMetrics.js';
import { metricTree, viewFigures, type MetricTree } from './metricTree.js';
import { directCosts, poolCost, reservedCost } from '../model/cost.js';
import { METRIC_KEYS } from '../scenario/metricKeys.js';
import { makePolicy } from '../policy/registry.js';
import { SERIES_COLUMNS, type Series } from '../model/metrics.js';
import { stream } from '../random/rng.js';
import type { Scenario } from '../scenario/schema.js';
import { makeArrivals, type PreparedInputs } from '../workload/build.js';
import type { LogHistogram } from '../stats/histogram.js';
import type { ExportedHistograms } from '../model/exportHistograms.js';
import { raiseInliningBudget } from '../engine/inlining.js';
import { estimateWork } from './workEstimate.js';

export type { MetricTree } from './metricTree.js';

/** What one replication produces. */
export interface ReplicationResult {
  replication: number;
  metrics: MetricTree;
  series: Series;
  /** Start latencies of counted sessions (for distribution charts); see LogHistogram.toJSON. */
  latency: ReturnType<LogHistogram['toJSON']>;
  events: number;
  /** Wall seconds of the run itself: from the fleet's start to the last event (not the engine's and the fleet's construction, nor the figures gathered after). */
  wallSeconds: number;
  /**
   * CPU seconds (user + system) over the same span: the process's, so every thread of it (the
   * engine's helper included, and other workers' replications when several run at once).
   */
  cpuSeconds: number;
  /** The pool policy's targets, one per decision (null without a policy): for sim-to-live parity. */
  poolTargets: number[] | null;
  /**
   * The engine's helper thread (wall-clock facts, not results): whether it served the run, the
   * simulated time it was dropped at (NaN: not dropped), and main's total wait for it (s).
   */
  helper: { used: boolean; droppedAtS: number; waitedS: number };
  /** Prometheus-style histogram tables, when asked for (`exportHistograms`). */
  exported?: ExportedHistograms;
  /** Set when `stop` ended the run early: the simulated time (s) it stopped at, and the p99 floor it proved; figures are up to then. */
  stopped?: { atS: number; p99FloorS: number };
}

/**
 * Stop a run once its counted start latency's `q`-quantile is certain to end above `aboveS`,
 * given that at most `maxCount` counted starts happen in the whole run (each counted arrival
 * starts at most once; LogHistogram.quantileFloor). For searches that only need the verdict.
 */
export interface StopRule {
  q: number;
  aboveS: number;
  maxCount: number;
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
  /** Stop early once the verdict is certain (checked between the same 500 slices as `onTime`). */
  stop?: StopRule;
}

/** Slices of a run reported to `onTime`: 500 calls, each a few µs, on runs of seconds or more. */
const PROGRESS_SLICES = 500;
/**
 * Expected events of one replication from which V8's inlining budget is raised for the process
 * (src/engine/inlining.ts). The bigger compilations cost ~0.2–0.3 s of compile a process and save
 * ~8–13% of the CPU an event after: the kimi-peak day in-thread (125M events) took 39.4 s of CPU
 * against 42.6 s, but its 2-hour slice (2.3M events, ~1 s) 1.20–1.24 s against 0.87–1.04 s, and the
 * 1M-customer M/M/c (2M events) 0.390 s against 0.372 s (README, Performance).
 */
const LONG_RUN_EVENTS = 2e7;

/**
 * Runs one replication of a scenario: a fresh engine and fleet, arrivals and every other
 * component drawing from streams seeded by (seed, replication, component), so replication r is
 * the same wherever and in whatever order it runs.
 */
export function runReplication(s: Scenario, inputs: PreparedInputs, replication: number, opts: ReplicationOptions = {}): ReplicationResult {
  // a long run compiles its handler chains whole (before any is optimized; see LONG_RUN_EVENTS)
  const expectedEvents = estimateWork(s, inputs).events / s.replications;
  if (expectedEvents >= LONG_RUN_EVENTS) raiseInliningBudget();
  const engine = new Engine({ helper: opts.helper, expectedEvents, horizonS: s.duration });
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
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fleet.start();
  for (const c of controllers) c?.start();
  const used = engine.helping;
  let waitedS = 0;
  let stopped: ReplicationResult['stopped'];
  try {
    const dropAt = opts.dropHelperAtS;
    if (dropAt !== undefined && dropAt < s.duration) {
      engine.run(dropAt);
      engine.dropHelper();
    }
    const onTime = opts.onTime;
    const rule = opts.stop;
    if (onTime || rule) {
      for (let k = 1; k < PROGRESS_SLICES; k++) {
        engine.run((s.duration * k) / PROGRESS_SLICES);
        onTime?.(engine.now, s.duration);
        const floor = rule ? fleet.metrics.latency.quantileFloor(rule.q, rule.maxCount) : 0;
        if (rule && floor > rule.aboveS) {
          stopped = { atS: engine.now, p99FloorS: floor };
          break;
        }
      }
    }
    if (!stopped) {
      engine.run(s.duration);
      onTime?.(s.duration, s.duration);
    }
    waitedS = engine.helperWaitedS;
  } finally {
    engine.close();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const m = fleet.metrics;
  const now = stopped ? stopped.atS : s.duration;
  const windowS = s.duration - s.warmup;
  const inf = s.infrastructure;
  const nodes = fleet.nodes;
  const nodeSpec = inf.reserved.nodes;
  // with nodes, the capacity is the nodes billed (ready or provisioning) × their slots
  const slots = nodes && nodeSpec ? nodes.billed.mean(now) * nodeSpec.slotsPerNode : inf.reserved.slots;
  const reserved = reservedCost(inf, m, nodes, now, windowS);
  const api = fleet.api;
  const figures: Record<string, number> = {
    ...viewFigures(m, fleet.countInFlight(), now, { reserved, ...directCosts(inf, m, now) }),
    'queueWait.mean': m.queueWait.mean,
    'queueWait.p99': m.queueWait.quantile(0.99),
    'fanout.count': m.fanoutCount,
    'fanout.completed': m.fanoutCompletion.count,
    'fanout.failed': m.fanoutFailed,
    'fanout.completion.mean': m.fanoutCompletion.mean,
    'fanout.completion.p50': m.fanoutCompletion.quantile(0.5),
    'fanout.completion.p99': m.fanoutCompletion.quantile(0.99),
    'queue.mean': m.queue.mean(now),
    'queue.peak': m.queue.peak,
    'capacity.reservedBusy.peak': m.reservedBusy.peak,
    'capacity.serverlessBusy.peak': m.serverlessBusy.peak,
    'capacity.reservedUtilization': Number.isFinite(slots) && slots > 0 ? m.reservedBusy.mean(now) / slots : NaN,
    'scheduler.wait.mean': m.schedulerWait.mean,
    'scheduler.utilization': fleet.schedulerBusyS / windowS,
    'outage.lost': inf.zones?.outage ? fleet.outageLost : NaN,
    'outage.recovery': inf.zones?.outage ? fleet.outageRecoveryS : NaN,
    'nodes.mean': nodes ? nodes.billed.mean(now) : NaN,
    'nodes.peak': nodes ? nodes.billed.peak : NaN,
    'nodes.added': nodes ? nodes.added : NaN,
    'nodes.removed': nodes ? nodes.removed : NaN,
    'api.utilization': api ? api.busyS / windowS : NaN,
    'api.creates': api ? api.creates : NaN,
    'api.deletes': api ? api.deletes : NaN,
    'api.createWait.mean': api && api.creates > 0 ? api.createWaitS / api.creates : NaN,
    'cost.pool': poolCost(inf, m, now),
  };
  const metrics = metricTree(METRIC_KEYS, figures);
  if (s.templates) metrics.templates = templateMetrics(s, fleet, reserved, now);
  const series = {} as Series;
  for (const c of SERIES_COLUMNS) series[c] = m.series[c].slice(0, m.rows);
  const out: ReplicationResult = { replication, metrics, series, latency: m.latency.toJSON(), events: engine.events, wallSeconds, cpuSeconds, poolTargets: controller ? controller.decisions : null, helper: { used, droppedAtS: engine.helperDroppedAtS, waitedS } };
  if (m.exported) out.exported = m.exported.toJSON();
  if (stopped) out.stopped = stopped;
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
