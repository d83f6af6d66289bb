import { directCosts } from '../model/cost.js';
import type { Fleet } from '../model/fleet.js';
import { TEMPLATE_METRIC_KEYS } from '../scenario/metricKeys.js';
import type { Scenario } from '../scenario/schema.js';
import { metricTree, viewFigures, type MetricTree } from './metricTree.js';

/**
 * The `templates.<name>` blocks of a replication's metrics: the template metric keys per
 * template. Costs a template causes directly (serverless slot-seconds, storage of its hibernated
 * sessions, its start-up bursts) are its own; the reserved capacity, shared, is charged to
 * templates by the slot-seconds each held (`reservedCost` is the fleet's), so the templates'
 * costs add up to the fleet's.
 */
export function templateMetrics(s: Scenario, fleet: Fleet, reservedCost: number, now: number): MetricTree {
  const reservedAll = fleet.metrics.reservedBusy.integral(now);
  const out: MetricTree = {};
  fleet.templateNames.forEach((name, t) => {
    const m = fleet.templateMetrics(t);
    const reserved = reservedAll > 0 ? (reservedCost * m.reservedBusy.integral(now)) / reservedAll : 0;
    out[name] = metricTree(TEMPLATE_METRIC_KEYS, viewFigures(m, fleet.countInFlight(t), now, { reserved, ...directCosts(s.infrastructure, m, now) }));
  });
  return out;
}
