/**
 * Warm-pool scaling policies: pure deciders. Each takes what a controller can observe up to
 * `nowS` and returns the desired pool size; none reads a clock, a file or a cluster. The
 * simulator's controller and (later) the live scaler call the same deciders.
 */

/** What a pool controller observes at a decision. */
export interface PoolObservation {
  /** Decision time (s). */
  nowS: number;
  /** Seconds between decisions. */
  intervalS: number;
  /** Session arrivals in each past decision interval, oldest first; the last ends at nowS. */
  arrivals: readonly number[];
  /** Ready sandboxes in the pool now. */
  ready: number;
  /** The pool's current target. */
  target: number;
  /** Time to refill a claimed sandbox (scheduling + cold start), seconds. */
  leadTimeS: number;
}

/** A decision: the desired pool size, or `valid: false` when the policy has no data yet (keep the target). */
export interface PoolDecision {
  target: number;
  valid: boolean;
}

/** A pool-sizing policy. Stateful deciders keep only their own memory (windows), never time of their own. */
export interface PoolPolicy {
  readonly name: string;
  decide(obs: PoolObservation): PoolDecision;
  /**
   * Expensive work a decision asked for and the next decision will use (a forecast refit). The
   * live scaler runs it between decisions; if nobody does, the next `decide` runs it first, so
   * results never depend on when it ran.
   */
  runDeferred?(): void;
  /** Whether a decision asked for deferred work that has not run yet (`--once` runs it and decides again). */
  hasDeferred?(): boolean;
}

/** The arrival rate (per second) over the last `windowS` seconds of observations. */
export function recentRate(obs: PoolObservation, windowS: number): number {
  const k = Math.max(1, Math.min(obs.arrivals.length, Math.round(windowS / obs.intervalS)));
  if (obs.arrivals.length === 0) return NaN;
  let s = 0;
  for (let i = obs.arrivals.length - k; i < obs.arrivals.length; i++) s += obs.arrivals[i];
  return s / (k * obs.intervalS);
}
