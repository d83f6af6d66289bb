import { poolSizeFor } from '../forecast/targets.js';
import type { PoolDecision, PoolObservation, PoolPolicy } from './policy.js';

/**
 * Knows the future arrivals exactly (per-second counts, from the same random streams the run
 * uses). Two rules, because neither bounds the other on every scenario:
 *
 * - `window` (default): holds the largest number of claims that will fall within one refill lead
 *   time anywhere in [now, now + lead time + interval] — what a pool needs to miss nothing when
 *   refills take exactly the lead time — times `scale`, plus `slack`. Best where refills take a
 *   fixed time: it sees the very claims, noise and bursts included.
 * - `erlang` (with `hitRate`): the Erlang-loss pool for the true future rate — the forecast
 *   policy's sizing with the forecast replaced by the truth: the rate is the highest of the exact
 *   arrival counts over windows of max(lead time, interval, `window`) starting within the coming
 *   lead time. `window` (default 5 s) keeps the counts from being mostly Poisson noise, which the
 *   Erlang-loss sizing already prices: the highest of many 2-second counts prices it twice
 *   (measured on kimi-peak deciding every 2 s: 2.4 s windows cost $24.8 at p99 ≤ 2 s).
 *   Best where refill times vary (log-normal cold starts): the count in flight is then Poisson
 *   (M/G/∞), which Erlang loss prices and one window of claims does not — on kimi-pool (~20 s) and
 *   kimi-peak (~2 s) it holds 29% and 36% less than the window rule at the same p99.
 *
 * The yardstick for every other policy's cost: `compare --policies` searches both rules and keeps
 * the cheaper, so the oracle is the leanest pool that perfect foresight of arrivals allows.
 */
export class OraclePolicy implements PoolPolicy {
  readonly name = 'oracle';
  private readonly prefix: Float64Array;
  constructor(
    perSecond: Float64Array,
    private readonly slack = 0,
    private readonly scale = 1,
    /** Set: the `erlang` rule with this hit-rate goal; unset: the `window` rule. */
    private readonly hitRate?: number,
    /** The Erlang-loss rule's shortest counting window (s). */
    private readonly windowS = 5,
  ) {
    this.prefix = new Float64Array(perSecond.length + 1);
    for (let i = 0; i < perSecond.length; i++) this.prefix[i + 1] = this.prefix[i] + perSecond[i];
  }

  /**
   * Arrivals in the whole seconds covering [fromS, toS): every claim any window of that length
   * starting in that second can hold (the window rule, which must miss nothing).
   */
  private cover(fromS: number, toS: number): number {
    const n = this.prefix.length - 1;
    const a = Math.max(0, Math.min(n, Math.floor(fromS)));
    const b = Math.max(0, Math.min(n, Math.ceil(toS)));
    return this.prefix[b] - this.prefix[a];
  }

  /**
   * Arrivals in [fromS, toS) for a rate: whole seconds exactly, a part of a second pro rata.
   * (Covering whole seconds, as the Erlang-loss rule once did, counted a 2.4 s window as 3 s of
   * arrivals: a rate 25% too high, and a pool far above what foresight needs.)
   */
  private count(fromS: number, toS: number): number {
    return this.before(toS) - this.before(fromS);
  }

  /** Arrivals before time `tS`. */
  private before(tS: number): number {
    const n = this.prefix.length - 1;
    if (!(tS > 0)) return 0;
    if (tS >= n) return this.prefix[n];
    const i = Math.floor(tS);
    return this.prefix[i] + (tS - i) * (this.prefix[i + 1] - this.prefix[i]);
  }

  decide(obs: PoolObservation): PoolDecision {
    const L = Math.max(1, obs.leadTimeS);
    if (this.hitRate !== undefined) {
      const w = Math.max(L, obs.intervalS, this.windowS);
      let rate = 0;
      for (let t = obs.nowS; t <= obs.nowS + L; t += 1) rate = Math.max(rate, this.count(t, t + w) / w);
      return { target: poolSizeFor([rate], obs.leadTimeS, this.hitRate) + Math.ceil(this.slack), valid: true };
    }
    let need = 0;
    for (let t = obs.nowS; t <= obs.nowS + L + obs.intervalS; t += 1) need = Math.max(need, this.cover(t, t + L));
    return { target: Math.ceil(need * this.scale + this.slack), valid: true };
  }
}
