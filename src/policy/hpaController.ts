/**
 * The Kubernetes HPA controller's replica computation for one External metric with an
 * `AverageValue` target — what the HPA that KEDA creates does with the value an external scaler
 * reports — following kube-controller-manager (pkg/controller/podautoscaler):
 *
 * 1. `GetExternalPerPodMetricReplicas`: ratio = metric / (targetPerPod × currentReplicas); within
 *    the tolerance (1 − scaleDown.tolerance ≤ ratio ≤ 1 + scaleUp.tolerance; both 0.1 unless
 *    `behavior.*.tolerance` is set, Kubernetes 1.33+ `HPAConfigurableTolerance`) the replicas stay;
 *    otherwise desired = ceil(metric / targetPerPod). The current replicas appear only in the
 *    tolerance test, not in the result.
 * 2. `stabilizeRecommendationWithBehaviors`: the result lies between the lowest recommendation of
 *    the scale-up window and the highest of the scale-down window (current replicas clamped to
 *    that band); the raw recommendation is recorded.
 * 3. `convertDesiredReplicasWithBehaviorRate`: scale-up limited to the policies' change over each
 *    policy's period (selectPolicy Max: the largest), measured from the replicas at the period's
 *    start (events strictly inside the period count); scale-down likewise; then min/max.
 *
 * `HpaPolicy` (hpa.ts) is the simulator's utilisation-based HPA with the default behaviour folded
 * in; this is the general controller, for replaying the KEDA route on a target series.
 */

export interface HpaScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface HpaScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: HpaScalingPolicy[];
  /** Per-direction tolerance (Kubernetes 1.33+ HPAConfigurableTolerance); absent: the controller's flag (0.1). */
  tolerance?: number;
}

export interface HpaBehavior {
  scaleUp: HpaScalingRules;
  scaleDown: HpaScalingRules;
}

/** autoscaling/v2 defaults: up by the larger of 100% and 4 pods per 15 s, no window; down by up to 100% per 15 s, 300 s window. */
export const DEFAULT_HPA_BEHAVIOR: HpaBehavior = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

/** A `behavior` as written in an HPA or a ScaledObject (every field optional), with the API's defaults filled in per field. */
export function hpaBehavior(b: { scaleUp?: Partial<HpaScalingRules>; scaleDown?: Partial<HpaScalingRules> } | undefined): HpaBehavior {
  const fill = (r: Partial<HpaScalingRules> | undefined, d: HpaScalingRules): HpaScalingRules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy ?? d.selectPolicy,
    policies: r?.policies ?? d.policies,
    ...(r?.tolerance !== undefined ? { tolerance: Number(r.tolerance) } : {}),
  });
  return { scaleUp: fill(b?.scaleUp, DEFAULT_HPA_BEHAVIOR.scaleUp), scaleDown: fill(b?.scaleDown, DEFAULT_HPA_BEHAVIOR.scaleDown) };
}

interface Stamped {
  t: number;
  n: number;
}

/** One HPA on one target, synced by the caller (every 15 s in Kubernetes: `--horizontal-pod-autoscaler-sync-period`). */
export class HpaController {
  private recommendations: Stamped[] = [];
  private upEvents: Stamped[] = [];
  private downEvents: Stamped[] = [];

  constructor(
    private readonly minReplicas: number,
    private readonly maxReplicas: number,
    private readonly behavior: HpaBehavior = DEFAULT_HPA_BEHAVIOR,
    /** `--horizontal-pod-autoscaler-tolerance` (0.1), used where the behaviour sets none. */
    private readonly defaultTolerance = 0.1,
  ) {}

  /** The replica count the sync at `nowS` sets, from the current replicas and the metric's total (AverageValue target per pod). */
  sync(nowS: number, currentReplicas: number, metric: number, targetPerPod = 1): number {
    let desired: number;
    if (currentReplicas > this.maxReplicas) desired = this.maxReplicas;
    else if (currentReplicas < this.minReplicas) desired = this.minReplicas;
    else {
      desired = this.fromMetric(currentReplicas, metric, targetPerPod);
      desired = this.stabilize(nowS, currentReplicas, desired);
      desired = this.limitRate(nowS, currentReplicas, desired);
    }
    if (desired > currentReplicas) this.upEvents.push({ t: nowS, n: desired - currentReplicas });
    if (desired < currentReplicas) this.downEvents.push({ t: nowS, n: currentReplicas - desired });
    return desired;
  }

  private fromMetric(current: number, metric: number, targetPerPod: number): number {
    const ratio = metric / (targetPerPod * current);
    const up = this.behavior.scaleUp.tolerance ?? this.defaultTolerance;
    const down = this.behavior.scaleDown.tolerance ?? this.defaultTolerance;
    if (1 - down <= ratio && ratio <= 1 + up) return current;
    return Math.ceil(metric / targetPerPod);
  }

  private stabilize(nowS: number, current: number, desired: number): number {
    const upCut = nowS - this.behavior.scaleUp.stabilizationWindowSeconds;
    const downCut = nowS - this.behavior.scaleDown.stabilizationWindowSeconds;
    let upRec = desired;
    let downRec = desired;
    // Kubernetes keeps recommendations for the longer window; a sample counts when strictly after the cut-off
    for (const r of this.recommendations) {
      if (r.t > upCut) upRec = Math.min(upRec, r.n);
      if (r.t > downCut) downRec = Math.max(downRec, r.n);
    }
    const keep = Math.min(upCut, downCut);
    this.recommendations = this.recommendations.filter((r) => r.t > keep);
    this.recommendations.push({ t: nowS, n: desired });
    return Math.min(Math.max(current, upRec), downRec);
  }

  private limitRate(nowS: number, current: number, desired: number): number {
    const changed = (events: Stamped[], periodS: number) => events.reduce((s, e) => s + (e.t > nowS - periodS ? e.n : 0), 0);
    if (desired > current) {
      const r = this.behavior.scaleUp;
      if (r.selectPolicy === 'Disabled') return current;
      let limit = r.selectPolicy === 'Min' ? Infinity : -Infinity;
      for (const p of r.policies) {
        const start = current - changed(this.upEvents, p.periodSeconds) + changed(this.downEvents, p.periodSeconds);
        const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
        limit = r.selectPolicy === 'Min' ? Math.min(limit, proposed) : Math.max(limit, proposed);
      }
      return Math.min(desired, Math.max(current, limit), this.maxReplicas);
    }
    if (desired < current) {
      const r = this.behavior.scaleDown;
      if (r.selectPolicy === 'Disabled') return current;
      let limit = r.selectPolicy === 'Min' ? -Infinity : Infinity;
      for (const p of r.policies) {
        const start = current + changed(this.downEvents, p.periodSeconds) - changed(this.upEvents, p.periodSeconds);
        const proposed = p.type === 'Pods' ? start - p.value : Math.floor(start * (1 - p.value / 100));
        limit = r.selectPolicy === 'Min' ? Math.max(limit, proposed) : Math.min(limit, proposed);
      }
      return Math.max(desired, Math.min(current, limit), this.minReplicas);
    }
    return desired;
  }
}
