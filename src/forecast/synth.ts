import { poisson } from '../random/poisson.js';
import { Rng } from '../random/rng.js';
import type { TidalSpec } from '../scenario/schema.js';
import { tidalRateCurve } from '../workload/tidal.js';

/**
 * A synthetic tidal trace as counts per step: the scenarios' own tidal generator (daily cycle,
 * weekly pattern, growth, bursts, noise), then Poisson counts of its rate in each step. Seeded.
 */
export function synthCounts(spec: TidalSpec, days: number, stepS: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const horizon = days * 86400;
  const curve = tidalRateCurve({ ...spec, step: Math.min(spec.step, stepS) }, horizon, rng);
  const n = Math.round(horizon / stepS);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // integrate the (finer or equal) rate curve over the step
    const t0 = i * stepS;
    const t1 = t0 + stepS;
    let mean = 0;
    for (let j = Math.floor(t0 / curve.stepS); j * curve.stepS < t1 && j < curve.ratesPerS.length; j++) {
      const a = Math.max(t0, j * curve.stepS);
      const b = Math.min(t1, (j + 1) * curve.stepS);
      mean += curve.ratesPerS[j] * (b - a);
    }
    out[i] = poisson(mean, rng);
  }
  return out;
}
