import { scaleSpec, specMean, type DistributionSpec } from '../random/distributions.js';
import type { ArrivalsSpec, PolicySpec, Scenario } from '../scenario/schema.js';

/**
 * One sandbox template as the model runs it, every default resolved: what share of the
 * scenario's arrivals asks for it (or its own arrivals), its session length, its size in slots,
 * its cold starts (with the scenario's accelerations and start-up burst applied), and its pool.
 */
export interface TemplatePlan {
  index: number;
  name: string;
  /** Share of workload.arrivals (0 for a template with arrivals of its own). */
  share: number;
  /** Arrivals of its own, or null. */
  arrivals: ArrivalsSpec | null;
  sessionDuration: DistributionSpec;
  /** Slots one sandbox takes. */
  size: number;
  reservedColdStart: DistributionSpec;
  serverlessColdStart: DistributionSpec;
  pool: { size: number; policy: PolicySpec | undefined; claimLatency: DistributionSpec };
}

/**
 * The reserved tier's cold start with the pod-level accelerations: an image cache removes the
 * image pull, pre-attached network interfaces the wait for the pod network (the mean drops by
 * the parts removed; the shape is kept).
 */
export function acceleratedColdStart(r: Scenario['infrastructure']['reserved'], coldStart: DistributionSpec = r.coldStart): DistributionSpec {
  const parts = r.coldStartParts;
  if (!parts || (!r.imageCache && !r.eniPrewarm)) return coldStart;
  const mean = specMean(coldStart);
  const saved = (r.imageCache ? parts.imagePull : 0) + (r.eniPrewarm ? parts.podNetwork : 0);
  return mean > 0 ? scaleSpec(coldStart, Math.max(0, mean - saved) / mean) : coldStart;
}

/** The templates of a scenario: its `templates`, or one template that is the scenario itself. */
export function templatePlans(s: Scenario): TemplatePlan[] {
  const inf = s.infrastructure;
  const burst = inf.startupBurst;
  // a start-up CPU burst shortens every cold start by its reduction
  const cold = (spec: DistributionSpec) => (burst ? scaleSpec(spec, 1 - burst.coldStartReduction) : spec);
  const wp = inf.warmPool;
  if (!s.templates) {
    return [
      {
        index: 0,
        name: 'default',
        share: 1,
        arrivals: null,
        sessionDuration: s.workload.sessionDuration,
        size: 1,
        reservedColdStart: cold(acceleratedColdStart(inf.reserved)),
        serverlessColdStart: cold(inf.serverless.coldStart),
        pool: { size: wp.size, policy: wp.policy, claimLatency: wp.claimLatency },
      },
    ];
  }
  return Object.entries(s.templates).map(([name, t], index) => ({
    index,
    name,
    share: t.share ?? 0,
    arrivals: t.arrivals ?? null,
    sessionDuration: t.sessionDuration ?? s.workload.sessionDuration,
    size: t.size,
    reservedColdStart: cold(acceleratedColdStart(inf.reserved, t.coldStart ?? inf.reserved.coldStart)),
    serverlessColdStart: cold(t.serverlessColdStart ?? inf.serverless.coldStart),
    pool: { size: t.warmPool.size, policy: t.warmPool.policy, claimLatency: t.warmPool.claimLatency ?? wp.claimLatency },
  }));
}

/** Mean time to refill a template's pool sandbox: one scheduler service time plus its pool tier's mean cold start. */
export function templateLeadTimeS(s: Scenario, t: TemplatePlan): number {
  const inf = s.infrastructure;
  const cold = inf.warmPool.tier === 'serverless' ? t.serverlessColdStart : t.reservedColdStart;
  return (Number.isFinite(inf.scheduler.throughput) ? 1 / inf.scheduler.throughput : 0) + specMean(cold);
}

/** Cumulative shares of workload.arrivals, in template order. */
export function shareCdf(plans: readonly TemplatePlan[]): Float64Array {
  const cdf = new Float64Array(plans.length);
  let c = 0;
  for (const t of plans) cdf[t.index] = c += t.share;
  return cdf;
}

/** The template an arrival of workload.arrivals asks for, from a uniform draw `u` in [0, 1). */
export function pickTemplate(plans: readonly TemplatePlan[], cdf: Float64Array, u: number): number {
  let t = 0;
  while (t < cdf.length - 1 && !(u < cdf[t])) t++;
  // rounding may leave the draw past a last template of share 0: it goes to the last with a share
  while (t > 0 && plans[t].share === 0) t--;
  return t;
}
