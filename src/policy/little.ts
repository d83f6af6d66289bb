import { recentRate, type PoolDecision, type PoolObservation, type PoolPolicy } from './policy.js';

/**
 * The recipe people apply today with KEDA on a SandboxWarmPool: pool = recent claim rate ×
 * replenish time (Little's law: the claims that arrive while one sandbox is being refilled),
 * times a headroom factor.
 */
export class LittlePolicy implements PoolPolicy {
  readonly name = 'little';
  constructor(private readonly headroom = 1.5, private readonly windowS = 60) {}
  decide(obs: PoolObservation): PoolDecision {
    const rate = recentRate(obs, this.windowS);
    if (!Number.isFinite(rate)) return { target: obs.target, valid: false };
    return { target: Math.ceil(rate * obs.leadTimeS * this.headroom), valid: true };
  }
}
