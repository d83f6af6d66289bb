import { replicationInterval } from '../stats/confidence.js';
import { metricSupport, minStartS } from './support.js';
import type { Scenario } from '../scenario/schema.js';
import type { MetricTree } from './metricTree.js';
import type { ReplicationResult } from './replication.js';

/** The run summary: the JSON contract of `tidecast run --format json` and `summary.json`. */
export interface Summary {
  scenario: string;
  seed: number;
  replications: number;
  [metric: string]: unknown;
  ci95: Record<string, [number, number] | null>;
  /**
   * Metrics whose replications are too few for an interval worth printing, with about how many
   * would do (their `ci95` is still given, inside the metric's support).
   */
  ciNeeded: Record<string, number>;
  engine: { events: number; wallSeconds: number; eventsPerSecond: number };
}

/** Leaves aggregated by maximum across replications rather than by mean. */
const MAX_LEAVES = /(^|\.)(peak|max)$/;

/**
 * Aggregates replications: each metric is the mean over replications (the maximum for peaks
 * and maxima), with a 95% interval across replications in `ci95` (null with one replication)
 * made by `replicationInterval` inside the metric's support (`metricSupport`: never below a
 * start latency the scenario cannot produce, rates within [0, 1]). `wallSeconds` is the wall
 * time of the whole run, so `eventsPerSecond` includes the speed-up of parallel replications.
 */
export function summarize(s: Scenario, results: readonly ReplicationResult[], wallSeconds: number): Summary {
  const paths = leafPaths(results[0].metrics);
  const tree: MetricTree = {};
  const ci95: Record<string, [number, number] | null> = {};
  const ciNeeded: Record<string, number> = {};
  const fastest = minStartS(s);
  for (const p of paths) {
    const values = results.map((r) => get(r.metrics, p));
    const finite = values.filter((v) => Number.isFinite(v));
    const iv = replicationInterval(values, metricSupport(s, p, fastest));
    let point: number;
    if (MAX_LEAVES.test(p)) point = finite.length ? Math.max(...finite) : NaN;
    else point = iv.mean;
    set(tree, p, point);
    ci95[p] = iv.ci;
    if (iv.needed !== null && iv.ci) ciNeeded[p] = iv.needed;
  }
  const events = results.reduce((a, r) => a + r.events, 0);
  return {
    scenario: s.name,
    seed: s.seed,
    replications: results.length,
    ...tree,
    ci95,
    ciNeeded,
    engine: { events, wallSeconds, eventsPerSecond: wallSeconds > 0 ? events / wallSeconds : 0 },
  };
}

/** Dotted paths of every numeric leaf. */
export function leafPaths(t: MetricTree, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(t)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number') out.push(p);
    else out.push(...leafPaths(v, p));
  }
  return out;
}

/** The value at a dotted path (NaN when absent). */
export function get(t: unknown, path: string): number {
  let v: unknown = t;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return NaN;
    v = (v as Record<string, unknown>)[k];
  }
  return typeof v === 'number' ? v : NaN;
}

function set(t: MetricTree, path: string, value: number): void {
  const keys = path.split('.');
  let node = t;
  for (let i = 0; i < keys.length - 1; i++) {
    node = (node[keys[i]] ??= {}) as MetricTree;
  }
  node[keys[keys.length - 1]] = value;
}
