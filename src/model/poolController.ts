import type { Engine } from '../engine/engine.js';
import type { PoolPolicy } from '../policy/policy.js';
import type { WarmPool } from './warmPool.js';

/**
 * Drives the warm pool from a policy: every decision interval it counts the arrivals since the
 * last decision, hands the policy what a real controller could observe, and sets the pool's
 * target. Nothing appears instantly: a larger target creates sandboxes through the scheduler and
 * their cold start (Fleet.setPoolTarget). With several templates, each pool has its own controller.
 */
export class PoolController {
  /** Arrivals per decision interval, oldest first. */
  readonly arrivals: number[] = [];
  /** Targets decided, one per decision (for reports and parity tests). */
  readonly decisions: number[] = [];
  private lastTotal = 0;
  private readonly kind: number;

  constructor(
    private readonly engine: Engine,
    private readonly fleet: WarmPool,
    private readonly policy: PoolPolicy,
    private readonly intervalS: number,
    private readonly leadTimeS: number,
  ) {
    this.kind = engine.on(() => this.decide());
  }

  /** Schedules the first decision one interval in. */
  start(): void {
    this.engine.at(this.intervalS, this.kind, 0, 3);
  }

  private decide(): void {
    const now = this.engine.now;
    const total = this.fleet.arrivalsTotal;
    this.arrivals.push(total - this.lastTotal);
    this.lastTotal = total;
    const d = this.policy.decide({
      nowS: now,
      intervalS: this.intervalS,
      arrivals: this.arrivals,
      ready: this.fleet.poolReadyNow,
      target: this.fleet.poolSize,
      leadTimeS: this.leadTimeS,
    });
    if (d.valid && Number.isFinite(d.target)) this.fleet.setPoolTarget(Math.max(0, Math.round(d.target)));
    this.decisions.push(this.fleet.poolSize);
    this.engine.at(now + this.intervalS, this.kind, 0, 3);
  }
}
