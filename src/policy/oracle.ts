import type { PoolDecision, PoolObservation, PoolPolicy } from './policy.js';

/**
 * Knows the future arrivals exactly (per-second counts, from the same random streams the run
 * uses): holds the largest number of claims that will fall within one refill lead time anywhere
 * in [now, now + lead time + interval] — what a pool needs to miss nothing, given that a larger
 * target takes a lead time to fill — times `scale`, plus `slack`. The yardstick for every other
 * policy's cost: searched over `scale`, it finds the leanest pool that perfect foresight allows.
 */
export class OraclePolicy implements PoolPolicy {
  readonly name = 'oracle';
  private readonly prefix: Float64Array;
  constructor(perSecond: Float64Array, private readonly slack = 0, private readonly scale = 1) {
    this.prefix = new Float64Array(perSecond.length + 1);
    for (let i = 0; i < perSecond.length; i++) this.prefix[i + 1] = this.prefix[i] + perSecond[i];
  }

  private count(fromS: number, toS: number): number {
    const n = this.prefix.length - 1;
    const a = Math.max(0, Math.min(n, Math.floor(fromS)));
    const b = Math.max(0, Math.min(n, Math.ceil(toS)));
    return this.prefix[b] - this.prefix[a];
  }

  decide(obs: PoolObservation): PoolDecision {
    const L = Math.max(1, obs.leadTimeS);
    let need = 0;
    for (let t = obs.nowS; t <= obs.nowS + L + obs.intervalS; t += 1) need = Math.max(need, this.count(t, t + L));
    return { target: Math.ceil(need * this.scale + this.slack), valid: true };
  }
}
