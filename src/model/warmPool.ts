import type { Engine } from '../engine/engine.js';
import type { FleetCore, TemplateState } from './fleetCore.js';
import { refillJob } from './scheduler.js';
import { Flag, Tier } from './sessionTable.js';

/** What a pool controller drives: one template's warm pool. */
export interface WarmPool {
  /** Sessions arrived so far, warm-up included. */
  readonly arrivalsTotal: number;
  /** Current target. */
  readonly poolSize: number;
  /** Ready sandboxes now. */
  readonly poolReadyNow: number;
  setPoolTarget(n: number): void;
}

/**
 * The warm pools (`infrastructure.warmPool`, and each template's own): `size` ready sandboxes
 * holding slots of their tier. A claim takes `claimLatency` and starts a refill at once; a
 * refill is placed by the scheduler after sessions, takes the tier's cold start, and waits for a
 * slot when none is free (after waiting sessions). An empty pool means a cold start; the pool
 * starts full (pre-warmed before the horizon). Always assembled: a pool controller may raise a
 * target of 0.
 *
 * May change: each template's pool fields (target, ready, creating, waiting for a slot), the
 * core's slot counts (pool sandboxes hold slots) and waiting-refill count, a claiming session's
 * tier and Warm flag, and the pool-level metrics.
 */
export class WarmPools {
  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
  ) {}

  /** A session of template T arrives now: true (and the claim started) when a ready sandbox was there. */
  claim(T: TemplateState, sid: number): boolean {
    if (T.poolReady === 0) return false;
    // Warm hit: the pool sandbox's slot becomes the session's.
    const c = this.core;
    T.poolReady--;
    this.poolLevel(T, -1);
    c.takeTier(sid, c.poolTier);
    c.sessions.addFlag(sid, Flag.Warm);
    if (c.sessions.flags(sid) & Flag.Counted) {
      c.metrics.queueWait.record(0);
      T.metrics?.queueWait.record(0);
    }
    T.claimStep.run(sid);
    this.fill(T);
    return true;
  }

  /** Starts refills until ready + creating + waiting reaches the target (before the first event: the pool starts warm). */
  fill(T: TemplateState): void {
    const c = this.core;
    const now = this.engine.now;
    while (T.poolReady + T.poolCreating + T.poolWaitingSlot < T.poolTarget) {
      let got = false;
      if (c.poolTier === Tier.Reserved) {
        if (c.reservedSlots - c.reservedUsed >= T.size && c.waiting.size === 0) {
          c.useReserved(T, T.size);
          got = true;
        }
      } else if (c.serverlessUsed + T.size <= c.serverlessMax) {
        c.useServerless(T, T.size);
        got = true;
      }
      if (!got) {
        T.poolWaitingSlot++;
        c.refillsWaitingSlot++;
        continue;
      }
      if (now === 0 && this.engine.events === 0) {
        // Before the horizon: the pool starts warm.
        T.poolReady++;
        this.poolLevel(T, 1);
      } else {
        T.poolCreating++;
        c.create(refillJob(T.plan.index));
      }
    }
  }

  /** A refill's sandbox is ready: into the pool, or deleted if the target went down meanwhile. */
  onRefillReady(T: TemplateState): void {
    T.poolCreating--;
    if (T.poolReady + T.poolCreating + T.poolWaitingSlot >= T.poolTarget) {
      this.core.api?.delete();
      this.core.releaseSlot(this.core.poolTier, T); // the target went down while it was being created
      return;
    }
    T.poolReady++;
    this.poolLevel(T, 1);
  }

  /**
   * Changes a template's warm-pool target. A larger target starts refills through the scheduler;
   * a smaller one drops waiting refills first, then deletes ready sandboxes (freeing their slots);
   * refills already being created are deleted when they finish.
   */
  setTarget(T: TemplateState, n: number): void {
    const c = this.core;
    T.poolTarget = Math.max(0, Math.floor(n));
    let excess = T.poolReady + T.poolCreating + T.poolWaitingSlot - T.poolTarget;
    if (excess <= 0) return this.fill(T);
    const w = Math.min(excess, T.poolWaitingSlot);
    T.poolWaitingSlot -= w;
    c.refillsWaitingSlot -= w;
    excess -= w;
    const k = c.scheduler.cancelRefills(T.plan.index, excess);
    T.poolCreating -= k;
    for (let i = 0; i < k; i++) c.releaseSlot(c.poolTier, T);
    excess -= k;
    const r = Math.min(excess, T.poolReady);
    T.poolReady -= r;
    this.poolLevel(T, -r);
    for (let i = 0; i < r; i++) {
      c.api?.delete();
      c.releaseSlot(c.poolTier, T);
    }
  }

  /** A zone of `zones` went down: its share of each ready pool of reserved slots goes with it. */
  loseZoneShare(zones: number): void {
    const c = this.core;
    if (c.poolTier !== Tier.Reserved) return;
    for (const T of c.tmpl) {
      const k = Math.round(T.poolReady / zones);
      T.poolReady -= k;
      this.poolLevel(T, -k);
      c.useReserved(T, -k * T.size);
    }
  }

  /** Template T's pool for a pool controller. */
  controlled(T: TemplateState): WarmPool {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const pools = this;
    return {
      get arrivalsTotal() {
        return T.arrivalsTotal;
      },
      get poolSize() {
        return T.poolTarget;
      },
      get poolReadyNow() {
        return T.poolReady;
      },
      setPoolTarget: (n: number) => pools.setTarget(T, n),
    };
  }

  /** The pool's ready level changed by `delta` (now: T.poolReady). */
  private poolLevel(T: TemplateState, delta: number): void {
    const m = this.core.metrics;
    const now = this.engine.now;
    if (T.metrics === null) return m.poolLevel(now, T.poolReady);
    T.metrics.poolLevel(now, T.poolReady);
    m.poolLevel(now, m.poolReady.level + delta);
  }
}
