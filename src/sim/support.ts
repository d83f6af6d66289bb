import type { DistributionSpec } from '../random/distributions.js';
import type { Scenario } from '../scenario/schema.js';
import type { Support } from '../stats/confidence.js';
import { templatePlans } from '../model/templates.js';

/** z with Φ(z) = 10⁻⁹: a log-normal draw below exp(μ + zσ) happens once in a billion. */
const Z_1E9 = -5.997807015;

/**
 * The smallest value a distribution draws in practice: its minimum where it has one (fixed,
 * uniform, empirical); for a log-normal its 10⁻⁹ quantile (a cold start with median 2 s and p99
 * 6 s: 0.12 s — a start latency quantile below that is not something a run produces); 0 for the
 * exponential and gamma, whose densities reach down to 0.
 */
export function lowerSupport(spec: DistributionSpec): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'lognormal':
      return Math.exp(spec.mu + Z_1E9 * spec.sigma);
    case 'uniform':
      return spec.min;
    case 'empirical':
      return spec.values.reduce((a, b) => Math.min(a, b), Infinity);
    default:
      return 0;
  }
}

/**
 * The fastest start a scenario allows, in seconds: a session starts by a warm claim (where a
 * pool can hold sandboxes), a reserved cold start or a serverless cold start, and each takes at
 * least its distribution's smallest value (default: 50 ms, the claim latency). A lower bound:
 * scheduler and queue waits only add to it.
 */
export function minStartS(s: Scenario): number {
  let m = Infinity;
  for (const t of templatePlans(s)) {
    if (t.pool.size > 0 || t.pool.policy) m = Math.min(m, lowerSupport(t.pool.claimLatency));
    m = Math.min(m, lowerSupport(t.reservedColdStart));
    if (s.infrastructure.serverless.enabled) m = Math.min(m, lowerSupport(t.serverlessColdStart));
  }
  return Number.isFinite(m) ? Math.max(0, m) : 0;
}

/** Metric paths that are fractions in [0, 1]. */
const FRACTION = /(Rate|[uU]tilization)$/;

/**
 * Where a summary metric can lie: rates and utilisations in [0, 1]; start latencies (overall and
 * per template) from the scenario's fastest start up; every other metric (counts, costs, levels,
 * other latencies) from 0 up.
 */
export function metricSupport(s: Scenario, path: string, fastestStartS = minStartS(s)): Support {
  if (FRACTION.test(path)) return { lo: 0, hi: 1 };
  if (/(^|\.)startLatency\./.test(path)) return { lo: fastestStartS, hi: Infinity };
  return { lo: 0, hi: Infinity };
}
