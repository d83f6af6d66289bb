import type { ReplicationResult } from '../sim/replication.js';
import { get } from '../sim/summary.js';
import { meanCI95 } from '../stats/confidence.js';

/** The difference B − A of a metric, with its 95% interval. */
export interface Difference {
  delta: number;
  ci: [number, number] | null;
  /** Relative to A's mean (NaN when A's mean is 0). */
  relative: number;
}

/**
 * Paired differences across replications: replication r of every variant uses the same random
 * streams (common random numbers), so B − A is taken replication by replication and its
 * interval is far narrower than comparing two independent intervals would be.
 */
export function pairedDifference(a: readonly ReplicationResult[], b: readonly ReplicationResult[], path: string): Difference {
  const n = Math.min(a.length, b.length);
  const d: number[] = [];
  let sa = 0;
  for (let r = 0; r < n; r++) {
    const x = get(a[r].metrics, path);
    const y = get(b[r].metrics, path);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return { delta: NaN, ci: null, relative: NaN };
    d.push(y - x);
    sa += x;
  }
  const m = meanCI95(d);
  const meanA = sa / n;
  return { delta: m.mean, ci: m.ci, relative: meanA !== 0 ? m.mean / meanA : NaN };
}
