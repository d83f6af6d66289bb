import type { FleetMetrics } from '../model/metrics.js';

/** A nested record of numbers: one replication's metrics, shaped like the summary. */
export interface MetricTree {
  [key: string]: number | MetricTree;
}

/**
 * The one place a metric tree is built: `keys` (dotted paths, src/scenario/metricKeys.ts) in
 * their order, each leaf from `figures`. A key without a figure is a bug in the caller: throws
 * naming it.
 */
export function metricTree(keys: readonly string[], figures: Readonly<Record<string, number>>): MetricTree {
  const tree: MetricTree = {};
  for (const key of keys) {
    const v = figures[key];
    if (typeof v !== 'number') throw new Error(`metric tree: no figure for ${key}`);
    const parts = key.split('.');
    let node = tree;
    for (let i = 0; i < parts.length - 1; i++) node = (node[parts[i]] ??= {}) as MetricTree;
    node[parts[parts.length - 1]] = v;
  }
  return tree;
}

/** What a view of the fleet costs over the measured window (src/model/cost.ts). */
export interface ViewCosts {
  reserved: number;
  serverless: number;
  storage: number;
  startupBurst: number;
}

/**
 * The figures every view of the fleet reports — the fleet's own and each template's (the
 * template metric keys): sessions, rates, start and wake latency, concurrency, capacity held,
 * pool, costs. `m` is the view's statistics, `inFlight` its live counted sessions.
 */
export function viewFigures(m: FleetMetrics, inFlight: number, now: number, c: ViewCosts): Record<string, number> {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  const lat = m.latency;
  const total = c.reserved + c.serverless + c.storage + c.startupBurst;
  return {
    'sessions.arrived': m.arrived,
    'sessions.started': m.started,
    'sessions.completed': m.completed,
    'sessions.inFlight': inFlight,
    'sessions.rejected': m.rejected,
    'sessions.queued': m.queued,
    'sessions.overflowed': m.overflowed,
    'sessions.warmHits': m.warmHits,
    'sessions.coldStarts': m.coldStarts,
    'sessions.hibernations': m.hibernations,
    'sessions.wakes': m.wakes,
    'sessions.lost': m.lost,
    warmHitRate: ratio(m.warmHits, m.started),
    overflowRate: ratio(m.overflowed, m.arrived),
    rejectRate: ratio(m.rejected, m.arrived),
    queuedRate: ratio(m.queued, m.arrived),
    'startLatency.mean': lat.mean,
    'startLatency.p50': lat.quantile(0.5),
    'startLatency.p90': lat.quantile(0.9),
    'startLatency.p95': lat.quantile(0.95),
    'startLatency.p99': lat.quantile(0.99),
    'startLatency.max': lat.count > 0 ? lat.max : NaN,
    'wakeLatency.mean': m.wakeLatency.mean,
    'wakeLatency.p50': m.wakeLatency.quantile(0.5),
    'wakeLatency.p99': m.wakeLatency.quantile(0.99),
    'concurrency.mean': m.running.mean(now),
    'concurrency.peak': m.running.peak,
    'concurrency.hibernated': m.hibernated.mean(now),
    'capacity.reservedBusy.mean': m.reservedBusy.mean(now),
    'capacity.serverlessBusy.mean': m.serverlessBusy.mean(now),
    'pool.ready.mean': m.poolReady.mean(now),
    'pool.ready.min': m.poolMin === Infinity ? 0 : m.poolMin,
    'cost.total': total,
    'cost.reserved': c.reserved,
    'cost.serverless': c.serverless,
    'cost.storage': c.storage,
    'cost.startupBurst': c.startupBurst,
    'cost.perSession': ratio(total, m.arrived),
  };
}
