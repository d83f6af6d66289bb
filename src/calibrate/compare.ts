import { meanCI95 } from '../stats/confidence.js';
import type { ReplicationResult } from '../sim/replication.js';
import type { HistogramTable } from '../stats/bucketHistogram.js';
import { bucketQuantile, bucketsFromCumulative, type Buckets } from './fitBuckets.js';
import type { ObservedWindow } from './observed.js';

/** The metrics `validate` sets side by side, and how each is judged. */
export const VALIDATE_METRICS = [
  { key: 'startLatency.p50', kind: 'latency' },
  { key: 'startLatency.p90', kind: 'latency' },
  { key: 'startLatency.p99', kind: 'latency' },
  { key: 'warmHitRate', kind: 'rate' },
  { key: 'overflowRate', kind: 'rate' },
  { key: 'rejectRate', kind: 'rate' },
  { key: 'concurrency.mean', kind: 'level' },
  { key: 'concurrency.peak', kind: 'level' },
  { key: 'pool.ready', kind: 'level' },
] as const;
export type ValidateKey = (typeof VALIDATE_METRICS)[number]['key'];

/** Tolerances: relative for latency quantiles and levels, absolute (a fraction: 0.02 = 2 points) for rates. */
export interface Tolerances {
  latency: number;
  rate: number;
  level: number;
}
export const DEFAULT_TOLERANCES: Tolerances = { latency: 0.1, rate: 0.02, level: 0.1 };

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

/**
 * The validate metrics of a window, computed one way for observed and simulated fleets alike:
 * start-latency quantiles from the buckets (as `histogram_quantile`), rates from counters over
 * the window, concurrency and pool level from the gauges' per-step values (mean, and the
 * highest step). NaN where the window lacks the input.
 */
export function windowStats(w: ObservedWindow): Record<ValidateKey, number> {
  const c = w.counters;
  const g = w.gauges;
  const lat = w.histograms.startLatency;
  const warm = c.warmStarts ? sum(c.warmStarts) : NaN;
  const cold = c.coldStarts ? sum(c.coldStarts) : NaN;
  const claims = c.claims ? sum(c.claims) : NaN;
  return {
    'startLatency.p50': lat ? bucketQuantile(lat, 0.5) : NaN,
    'startLatency.p90': lat ? bucketQuantile(lat, 0.9) : NaN,
    'startLatency.p99': lat ? bucketQuantile(lat, 0.99) : NaN,
    warmHitRate: warm + cold > 0 ? warm / (warm + cold) : NaN,
    overflowRate: c.overflows && claims > 0 ? sum(c.overflows) / claims : NaN,
    rejectRate: c.rejected && claims > 0 ? sum(c.rejected) / claims : NaN,
    'concurrency.mean': g.running ? sum(g.running) / g.running.length : NaN,
    'concurrency.peak': g.running ? Math.max(...g.running) : NaN,
    'pool.ready': g.poolReady ? sum(g.poolReady) / g.poolReady.length : NaN,
  };
}

/** A histogram table's counts over the whole run (its last row), optionally added to another's. */
function lastRow(h: HistogramTable, plus?: HistogramTable): Buckets {
  const w = h.bounds.length + 2;
  const at = (t: HistogramTable, i: number) => (t.rows > 0 ? t.table[(t.rows - 1) * w + i] : 0);
  const cum = Array.from({ length: w - 1 }, (_, i) => at(h, i) + (plus ? at(plus, i) : 0));
  return bucketsFromCumulative(h.bounds, cum);
}

/** A simulated replication as a window (it must have been run with `exportHistograms`). */
export function replicationWindow(r: ReplicationResult, startS: number, stepS: number): ObservedWindow {
  const s = r.series;
  const x = r.exported;
  return {
    startS,
    stepS,
    n: s.t.length,
    counters: { claims: s.arrivals, warmStarts: s.warmHits, coldStarts: s.coldStarts, overflows: s.overflowed, rejected: s.rejected },
    gauges: { running: s.concurrency, poolReady: s.poolReady, poolTarget: s.poolTarget },
    histograms: x ? { startLatency: lastRow(x.startWarm, x.startCold), coldStart: lastRow(x.createCold), sessionDuration: lastRow(x.session) } : {},
    source: `replication ${r.replication + 1}`,
  };
}

/** One row of the verdict table. */
export interface ValidateRow {
  key: ValidateKey;
  observed: number;
  simulated: number;
  /** 95% interval of the simulated mean across replications (null with one). */
  interval: [number, number] | null;
  /** Simulated − observed (for rates, in fractions: 0.01 = 1 point). */
  diff: number;
  /** The largest |diff| allowed. */
  allowed: number;
  verdict: 'pass' | 'fail' | 'n/a';
}

/**
 * Sets simulated against observed, metric by metric: the simulated value is the mean over
 * replications, with its 95% interval; a metric passes when |simulated − observed| is within its
 * tolerance (latency quantiles and levels relative to the observed value, with levels allowed at
 * least 1; rates in absolute points), and is n/a when the observed window lacks it. Pure.
 */
export function compareWindows(observed: ObservedWindow, simulated: readonly ObservedWindow[], tol: Tolerances = DEFAULT_TOLERANCES): ValidateRow[] {
  const obs = windowStats(observed);
  const sims = simulated.map(windowStats);
  return VALIDATE_METRICS.map(({ key, kind }) => {
    const o = obs[key];
    const values = sims.map((s) => s[key]);
    const m = meanCI95(values);
    const simV = m.mean;
    const allowed = kind === 'rate' ? tol.rate : kind === 'latency' ? tol.latency * Math.abs(o) : Math.max(1, tol.level * Math.abs(o));
    const diff = simV - o;
    const verdict = !Number.isFinite(o) ? 'n/a' : Number.isFinite(simV) && Math.abs(diff) <= allowed + 1e-12 ? 'pass' : 'fail';
    return { key, observed: o, simulated: simV, interval: m.ci, diff, allowed, verdict };
  });
}
