/**
 * The safety layer between a policy's proposal and the target that is published: bounds, step
 * limits, scale-down stabilisation, and what to do when there is no good data. Pure: the caller
 * passes the time, so the live scaler and a replay with a simulated clock decide alike. With its
 * defaults (no bounds, no limits, no window) it passes the policy's target through unchanged,
 * which is what the simulator's pool controller does.
 */

export interface GovernorLimits {
  /** Never publish below this. */
  min: number;
  /** Never publish above this. */
  max: number;
  /** Largest increase per decision. */
  maxStepUp: number;
  /** Largest decrease per decision. */
  maxStepDown: number;
  /** A decrease takes the highest proposal of this many past seconds (as HPA's scale-down stabilisation). */
  scaleDownStabilizationS: number;
  /** After `floorAfterS` without good data, the target is raised to at least this. */
  floor: number;
  /** Seconds without good data before the floor applies. */
  floorAfterS: number;
}

export const NO_LIMITS: GovernorLimits = {
  min: 0,
  max: Infinity,
  maxStepUp: Infinity,
  maxStepDown: Infinity,
  scaleDownStabilizationS: 0,
  floor: 0,
  floorAfterS: Infinity,
};

/** Why a target is what it is. */
export type GovernorReason = 'policy' | 'hold' | 'floor';

export interface GovernedTarget {
  target: number;
  reason: GovernorReason;
  /** Seconds since the last good proposal (0 when this one is good; since the first decision when there never was one). */
  sinceGoodS: number;
}

export class Governor {
  private current: number;
  private lastGoodS = -Infinity;
  /** Recent proposals (time, bounded target) for the stabilisation window. */
  private readonly window: { t: number; r: number }[] = [];

  constructor(
    private readonly limits: GovernorLimits,
    initial: number,
  ) {
    this.current = clamp(Math.round(initial), limits.min, limits.max);
  }

  /** The target published last. */
  get target(): number {
    return this.current;
  }

  /**
   * One decision at `nowS`. `proposal` is the policy's target, or NaN when the inputs were
   * missing, stale or bad (then the target is held, never lowered, and raised to the floor
   * once `floorAfterS` has passed without good data).
   */
  step(nowS: number, proposal: number): GovernedTarget {
    const L = this.limits;
    if (this.lastGoodS === -Infinity) this.lastGoodS = nowS; // no data yet: the limit counts from the first decision
    if (!Number.isFinite(proposal)) {
      const since = nowS - this.lastGoodS;
      if (since >= L.floorAfterS && this.current < L.floor) {
        this.current = Math.min(L.max, L.floor);
        return { target: this.current, reason: 'floor', sinceGoodS: since };
      }
      return { target: this.current, reason: since >= L.floorAfterS && L.floor > 0 && this.current <= L.floor ? 'floor' : 'hold', sinceGoodS: since };
    }
    this.lastGoodS = nowS;
    let desired = clamp(Math.round(proposal), L.min, L.max);
    if (L.scaleDownStabilizationS > 0) {
      const w = this.window;
      w.push({ t: nowS, r: desired });
      while (w.length > 0 && w[0].t <= nowS - L.scaleDownStabilizationS) w.shift();
      if (desired < this.current) {
        let hi = desired;
        for (const x of w) if (x.r > hi) hi = x.r;
        desired = Math.min(this.current, hi);
      }
    }
    desired = clamp(desired, this.current - L.maxStepDown, this.current + L.maxStepUp);
    this.current = clamp(desired, L.min, L.max);
    return { target: this.current, reason: 'policy', sinceGoodS: 0 };
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
