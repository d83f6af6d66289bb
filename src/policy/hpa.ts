import { recentRate, type PoolDecision, type PoolObservation, type PoolPolicy } from './policy.js';

/**
 * The Kubernetes HPA algorithm on a warm pool: the metric is the pool's utilisation, the
 * sandboxes claimed during one refill lead time per pool sandbox (rate × lead time / current).
 * desired = ceil(current × metric / target), skipped within a tolerance of 0.1; scale-up limited
 * per sync period to the larger of +100% and +4 pods; scale-down uses the highest
 * recommendation of the last 300 s (stabilisation window). The HPA syncs every 15 s
 * (`--horizontal-pod-autoscaler-sync-period`) whatever the controller's decision interval: a
 * decision less than `syncPeriodS` after the last sync keeps the target; with a decision interval
 * of 15 s or more every decision is a sync.
 */
export class HpaPolicy implements PoolPolicy {
  readonly name = 'hpa';
  private readonly recommendations: { t: number; r: number }[] = [];
  private lastSyncS = -Infinity;
  constructor(
    private readonly targetUtilization = 0.7,
    private readonly tolerance = 0.1,
    private readonly stabilizationS = 300,
    private readonly windowS = 60,
    private readonly syncPeriodS = 15,
  ) {}

  decide(obs: PoolObservation): PoolDecision {
    if (obs.nowS - this.lastSyncS < this.syncPeriodS - 1e-6) return { target: obs.target, valid: true };
    const rate = recentRate(obs, this.windowS);
    if (!Number.isFinite(rate)) return { target: obs.target, valid: false };
    this.lastSyncS = obs.nowS;
    const current = Math.max(1, obs.target);
    const metric = (rate * obs.leadTimeS) / current;
    const ratio = metric / this.targetUtilization;
    let desired = Math.abs(ratio - 1) <= this.tolerance ? obs.target : Math.ceil(current * ratio);
    // scale-up policies: the larger of 100% and 4 pods per period
    desired = Math.min(desired, Math.max(2 * current, current + 4));
    // scale-down stabilisation: never below the highest recommendation in the window
    this.recommendations.push({ t: obs.nowS, r: desired });
    while (this.recommendations.length > 0 && this.recommendations[0].t < obs.nowS - this.stabilizationS) this.recommendations.shift();
    if (desired < obs.target) desired = Math.min(obs.target, Math.max(...this.recommendations.map((x) => x.r)));
    return { target: Math.max(0, desired), valid: true };
  }
}
