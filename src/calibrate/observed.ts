import type { Buckets } from './fitBuckets.js';
import type { CounterKey, GaugeKey, HistogramKey } from './config.js';

/**
 * A window of a fleet's metrics on a regular grid: `n` steps of `stepS` from `startS` (epoch
 * seconds). Counters are increments per step (exact: differences of the cumulative values at
 * the step boundaries, never Prometheus's extrapolating `increase`), gauges a value per step
 * (at its end), histograms the bucket counts over the whole window. The same shape comes from
 * Prometheus, from CSV exports and from a simulated replication, so observed and simulated
 * fleets are summarised by the same code.
 */
export interface ObservedWindow {
  startS: number;
  stepS: number;
  n: number;
  counters: Partial<Record<CounterKey, Float64Array>>;
  gauges: Partial<Record<GaugeKey, Float64Array>>;
  histograms: Partial<Record<HistogramKey, Buckets>>;
  /** Where it came from, for comments and reports ("prometheus 127.0.0.1:9090", "fleet.csv"). */
  source: string;
}

/**
 * Increments per step from cumulative counter values at the n + 1 step boundaries; a drop is a
 * counter reset (a restarted exporter), after which the new value is the increment, as
 * Prometheus's `increase` treats it.
 */
export function increments(cumulative: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, cumulative.length - 1));
  for (let i = 1; i < cumulative.length; i++) {
    const d = cumulative[i] - cumulative[i - 1];
    out[i - 1] = d >= 0 ? d : cumulative[i];
  }
  return out;
}
