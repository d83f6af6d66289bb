/**
 * The summary's metrics, once: each as a dotted path into `summary.json` (the JSON contract of
 * `tidecast run --format json`), in the order the summary lists them, and whether a template
 * reports it too (as `templates.<name>.<key>`). Budgets name these keys; `ci95` is keyed by
 * them; the replication's metric tree is built from them (src/sim/metricTree.ts). Here, in the
 * scenario layer, because the scenario schema checks budgets against them.
 */
const METRICS: readonly (readonly [key: string, perTemplate: boolean])[] = [
  ['sessions.arrived', true],
  ['sessions.started', true],
  ['sessions.completed', true],
  ['sessions.inFlight', true],
  ['sessions.rejected', true],
  ['sessions.queued', true],
  ['sessions.overflowed', true],
  ['sessions.warmHits', true],
  ['sessions.coldStarts', true],
  ['sessions.hibernations', true],
  ['sessions.wakes', true],
  ['sessions.lost', true],
  ['warmHitRate', true],
  ['overflowRate', true],
  ['rejectRate', true],
  ['queuedRate', true],
  ['startLatency.mean', true],
  ['startLatency.p50', true],
  ['startLatency.p90', true],
  ['startLatency.p95', true],
  ['startLatency.p99', true],
  ['startLatency.max', true],
  ['queueWait.mean', false],
  ['queueWait.p99', false],
  ['fanout.count', false],
  ['fanout.completed', false],
  ['fanout.failed', false],
  ['fanout.completion.mean', false],
  ['fanout.completion.p50', false],
  ['fanout.completion.p99', false],
  ['wakeLatency.mean', true],
  ['wakeLatency.p50', true],
  ['wakeLatency.p99', true],
  ['queue.mean', false],
  ['queue.peak', false],
  ['concurrency.mean', true],
  ['concurrency.peak', true],
  ['concurrency.hibernated', true],
  ['capacity.reservedBusy.mean', true],
  ['capacity.reservedBusy.peak', false],
  ['capacity.serverlessBusy.mean', true],
  ['capacity.serverlessBusy.peak', false],
  ['capacity.reservedUtilization', false],
  ['pool.ready.mean', true],
  ['pool.ready.min', true],
  ['scheduler.wait.mean', false],
  ['scheduler.utilization', false],
  ['outage.lost', false],
  ['outage.recovery', false],
  ['nodes.mean', false],
  ['nodes.peak', false],
  ['nodes.added', false],
  ['nodes.removed', false],
  ['api.utilization', false],
  ['api.creates', false],
  ['api.deletes', false],
  ['api.createWait.mean', false],
  ['cost.total', true],
  ['cost.reserved', true],
  ['cost.serverless', true],
  ['cost.storage', true],
  ['cost.startupBurst', true],
  ['cost.perSession', true],
  ['cost.pool', false],
];

/** Every summary key, in summary order. */
export const METRIC_KEYS: readonly string[] = METRICS.map(([k]) => k);

/** The keys each template reports, and that budgets may name per template as `templates.<name>.<key>`. */
export const TEMPLATE_METRIC_KEYS: readonly string[] = METRICS.filter(([, t]) => t).map(([k]) => k);
