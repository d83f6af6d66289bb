import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision } from './scaler.js';
import type { Sink } from './sink.js';

/**
 * The scaler's Prometheus metrics (prom-client, its own registry): target, proposal, forecast
 * quantiles, source staleness and health, decision duration, errors by kind; plus the process
 * metrics (RSS, CPU, event-loop lag).
 */
export class ScalerMetrics implements Sink {
  readonly name = 'metrics';
  readonly registry = new Registry();
  private readonly target = new Gauge({ name: 'tidecast_scaler_target', help: 'Published warm-pool target (sandboxes)', registers: [this.registry] });
  private readonly proposal = new Gauge({ name: 'tidecast_scaler_proposal', help: "The policy's proposal before safety limits (NaN when inputs were unusable)", registers: [this.registry] });
  private readonly floor = new Gauge({ name: 'tidecast_scaler_reactive_floor', help: "The forecast policy's reactive floor (sandboxes: the claims of one refill at the freshest observed rate; NaN for other policies or unusable inputs)", registers: [this.registry] });
  private readonly forecast = new Gauge({ name: 'tidecast_scaler_forecast_arrivals_per_second', help: 'Forecast arrival rate over the lead time, by quantile', labelNames: ['quantile'], registers: [this.registry] });
  private readonly staleness = new Gauge({ name: 'tidecast_scaler_source_staleness_seconds', help: 'Age of the newest arrival value read (+Inf when none)', registers: [this.registry] });
  private readonly up = new Gauge({ name: 'tidecast_scaler_source_up', help: '1 when the last read of the source gave usable data', registers: [this.registry] });
  private readonly lastTs = new Gauge({ name: 'tidecast_scaler_last_decision_timestamp_seconds', help: 'Time of the last decision', registers: [this.registry] });
  private readonly duration = new Histogram({ name: 'tidecast_scaler_decision_duration_seconds', help: 'Wall time of a decision (read + decide)', buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
  private readonly deferred = new Histogram({ name: 'tidecast_scaler_deferred_work_duration_seconds', help: "Wall time of the policy's work between decisions (forecast refits)", buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  readonly errors = new Counter({
    name: 'tidecast_scaler_errors_total',
    help: 'Errors by kind (source: unreachable, timeout, http, query, bad_response, too_large, dead_scrape; inputs: stale, empty, suspect; pool; sink_<name>, sink_kubernetes_throttled)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly suspectValues = new Counter({ name: 'tidecast_scaler_suspect_values_total', help: 'Implausible arrival values: dropped as transients, or held back awaiting confirmation (per decision)', labelNames: ['action'], registers: [this.registry] });
  private readonly poolReady = new Gauge({ name: 'tidecast_scaler_pool_ready', help: "Ready sandboxes in the pool as last observed (NaN when not observed)", registers: [this.registry] });
  private readonly poolReplicas = new Gauge({ name: 'tidecast_scaler_pool_spec_replicas', help: "The pool's spec.replicas as last observed (NaN when not observed)", registers: [this.registry] });
  private readonly leadTime = new Gauge({ name: 'tidecast_scaler_lead_time_seconds', help: 'Lead time the policy used (learned from leadTimeQuery, or the static leadTime)', labelNames: ['source'], registers: [this.registry] });
  private readonly scrapeAge = new Gauge({ name: 'tidecast_scaler_source_scrape_age_seconds', help: 'Age of the newest raw sample behind the data (freshness query; +Inf when none, NaN without the query)', registers: [this.registry] });
  private readonly decisions = new Counter({ name: 'tidecast_scaler_decisions_total', help: 'Decisions by reason (policy, hold, floor)', labelNames: ['reason'], registers: [this.registry] });

  constructor(processMetrics = true) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  async publish(d: Decision): Promise<void> {
    this.target.set(d.target);
    this.proposal.set(d.proposal ?? NaN);
    this.floor.set(d.floor ?? NaN);
    this.forecast.reset();
    if (d.forecast) for (const [q, v] of Object.entries(d.forecast.quantiles)) this.forecast.set({ quantile: q }, v);
    this.staleness.set(d.inputs.stalenessS ?? Infinity);
    this.up.set(d.inputs.status === 'ok' ? 1 : 0);
    this.lastTs.set(d.nowS);
    this.duration.observe(d.durationMs / 1000);
    this.decisions.inc({ reason: d.reason });
    this.leadTime.reset();
    if (d.leadTime) this.leadTime.set({ source: d.leadTime.learned ? 'learned' : 'static' }, d.leadTime.leadTimeS);
    this.poolReady.set(d.pool?.ready ?? NaN);
    this.poolReplicas.set(d.pool?.replicas ?? NaN);
    this.scrapeAge.set(d.inputs.scrapeAgeS === undefined ? NaN : (d.inputs.scrapeAgeS ?? Infinity));
    if (d.inputs.status === 'error') this.errors.inc({ kind: d.inputs.error?.kind ?? 'internal' });
    else if (d.inputs.status !== 'ok') this.errors.inc({ kind: d.inputs.status });
    // the decision's implausible values, and a failed read of the pool's state
    const s = d.inputs.suspect;
    if (s?.dropped) this.suspectValues.inc({ action: 'dropped' }, s.dropped);
    if (s?.held) this.suspectValues.inc({ action: 'held' }, s.held);
    if (d.poolError) this.errors.inc({ kind: 'pool' });
  }

  observeDeferred(seconds: number): void {
    if (seconds > 1e-4) this.deferred.observe(seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The safety limits in force, so an alert can tell a target pinned at one (deploy/base/prometheusrule.yaml). */
  private readonly limits = new Gauge({ name: 'tidecast_scaler_safety_limit', help: 'Safety limits in force: min, max, floor (sandboxes; +Inf when unlimited)', labelNames: ['limit'], registers: [this.registry] });

  setLimits(l: { min: number; max: number; floor: number }): void {
    for (const k of ['min', 'max', 'floor'] as const) this.limits.set({ limit: k }, l[k]);
  }

  async close(): Promise<void> {
    this.registry.clear();
  }
}
