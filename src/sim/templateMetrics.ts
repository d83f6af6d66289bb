import type { Fleet } from '../model/fleet.js';
import type { Scenario } from '../scenario/schema.js';
import type { MetricTree } from './replication.js';

/**
 * The `templates.<name>` blocks of a replication's metrics: the core's keys per template. Costs
 * a template causes directly (serverless slot-seconds, storage of its hibernated sessions, its
 * start-up bursts) are its own; the reserved capacity, shared, is charged to templates by the
 * slot-seconds each held, so the templates' costs add up to the fleet's.
 */
export function templateMetrics(s: Scenario, fleet: Fleet, total: MetricTree, now: number): MetricTree {
  const inf = s.infrastructure;
  const reservedCost = (total.cost as MetricTree).reserved as number;
  const reservedAll = fleet.metrics.reservedBusy.integral(now);
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const out: MetricTree = {};
  fleet.templateNames.forEach((name, t) => {
    const m = fleet.templateMetrics(t);
    const lat = m.latency;
    const reserved = reservedAll > 0 ? (reservedCost * m.reservedBusy.integral(now)) / reservedAll : 0;
    const serverless = inf.serverless.enabled ? m.serverlessBusy.integral(now) * inf.serverless.costPerSlotSecond : 0;
    const hib = inf.hibernation;
    const storage = hib ? (m.hibernated.integral(now) * hib.memoryGiB * hib.storageCostPerGiBHour) / 3600 : 0;
    const burst = inf.startupBurst;
    const startupBurst = burst ? (m.creations * burst.extraCpu * burst.duration * burst.costPerCpuHour) / 3600 : 0;
    const cost = reserved + serverless + storage + startupBurst;
    out[name] = {
      sessions: {
        arrived: m.arrived,
        started: m.started,
        completed: m.completed,
        inFlight: fleet.countInFlight(t),
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
      wakeLatency: { mean: m.wakeLatency.mean, p50: m.wakeLatency.quantile(0.5), p99: m.wakeLatency.quantile(0.99) },
      concurrency: { mean: m.running.mean(now), peak: m.running.peak, hibernated: m.hibernated.mean(now) },
      capacity: { reservedBusy: { mean: m.reservedBusy.mean(now) }, serverlessBusy: { mean: m.serverlessBusy.mean(now) } },
      pool: { ready: { mean: m.poolReady.mean(now), min: m.poolMin === Infinity ? 0 : m.poolMin } },
      cost: { total: cost, reserved, serverless, storage, startupBurst, perSession: ratio(cost, m.arrived) },
    };
  });
  return out;
}
