import { recentRate, type PoolDecision, type PoolObservation, type PoolPolicy } from './policy.js';

/**
 * Knative's pod autoscaler (KPA) on a warm pool. The observed "concurrency" is the demand on the
 * pool, rate × refill lead time, averaged over a stable window (60 s) and a panic window (6 s);
 * desired = ceil(demand / target per sandbox). Panic starts when the panic desire reaches twice
 * the ready sandboxes, holds for a stable window after the last such decision, and never scales
 * down; scale-up is capped at 1000× ready and scale-down at 2× per decision.
 */
export class KpaPolicy implements PoolPolicy {
  readonly name = 'kpa';
  private panicUntil = -Infinity;
  constructor(
    private readonly targetPerSandbox = 0.7,
    private readonly stableWindowS = 60,
    private readonly panicWindowS = 6,
    private readonly maxScaleUpRate = 1000,
    private readonly maxScaleDownRate = 2,
  ) {}

  /** True while in panic mode (for tests and reports). */
  inPanic(nowS: number): boolean {
    return nowS < this.panicUntil;
  }

  decide(obs: PoolObservation): PoolDecision {
    const stable = recentRate(obs, this.stableWindowS);
    const panic = recentRate(obs, Math.max(obs.intervalS, this.panicWindowS));
    if (!Number.isFinite(stable)) return { target: obs.target, valid: false };
    const desiredStable = Math.ceil((stable * obs.leadTimeS) / this.targetPerSandbox);
    const desiredPanic = Math.ceil((panic * obs.leadTimeS) / this.targetPerSandbox);
    const ready = Math.max(1, obs.ready);
    if (desiredPanic / ready >= 2) this.panicUntil = obs.nowS + this.stableWindowS;
    let desired = desiredStable;
    if (this.inPanic(obs.nowS)) desired = Math.max(desiredPanic, desiredStable, obs.target); // no scale-down in panic
    desired = Math.min(desired, Math.ceil(ready * this.maxScaleUpRate));
    desired = Math.max(desired, Math.floor(obs.target / this.maxScaleDownRate));
    return { target: desired, valid: true };
  }
}
