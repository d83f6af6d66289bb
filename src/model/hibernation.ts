import type { Engine } from '../engine/engine.js';
import type { FleetCore, TemplateState } from './fleetCore.js';
import { Flag, Tier } from './sessionTable.js';
import type { Step } from './step.js';
import type { Tiers } from './tiers.js';

/**
 * Hibernation (`infrastructure.hibernation`, multi-turn sessions): a think time longer than
 * `idleTimeout` hibernates the session at the timeout (its sandbox deleted, its slot released,
 * its state kept); its next turn wakes it: a slot again through the tiers (reserved, queue,
 * overflow, or lost when every tier is full), then `wakeLatency`. Turns (src/model/turns.ts)
 * schedule the hibernate and wake events; this module handles them.
 *
 * May change: a session's flags (Hibernated, Waking; Warm and Started cleared), tier and
 * hand-off time (the wake's request time); the core's slots (released on hibernation); the
 * running, hibernated and wake metrics. Owns: the idle timeout, the wake step, the count of
 * hibernated sessions.
 */
export class Hibernation {
  readonly idleS: number;
  readonly kHibernate: number;
  readonly kWake: number;
  private hibernatedNow = 0;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    private readonly tiers: Tiers,
    idleTimeoutS: number,
    /** The wake step (its handler: the session is ready). */
    readonly wakeStep: Step,
  ) {
    this.idleS = idleTimeoutS;
    this.kHibernate = engine.on((id) => this.onHibernate(id));
    this.kWake = engine.on((id) => this.onWake(id));
  }

  /** Idle past the timeout: the sandbox is released, the state kept. */
  private onHibernate(sid: number): void {
    const c = this.core;
    const now = this.engine.now;
    const S = c.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return; // lost while idle: its wake event, still pending, releases the record
    const T = c.tmpl[S.template(sid)];
    const tier = S.tier(sid);
    c.stopRunning(T, f, tier);
    S.addFlag(sid, Flag.Hibernated);
    S.clearFlag(sid, Flag.Warm | Flag.Started);
    S.setTier(sid, Tier.None);
    const counted = (f & Flag.Counted) !== 0;
    c.metrics.hibernate(now, ++this.hibernatedNow, counted);
    T.metrics?.hibernate(now, ++T.hibernatedNow, counted);
    c.api?.delete();
    c.releaseSlot(tier, T);
  }

  /** The next turn of a hibernated session: it needs a slot again (queue or overflow as any request), then the wake latency. */
  private onWake(sid: number): void {
    const c = this.core;
    const now = this.engine.now;
    const S = c.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    S.clearFlag(sid, Flag.Hibernated);
    S.addFlag(sid, Flag.Waking);
    S.setDurationS(sid, now); // the wake was asked for now
    const T = c.tmpl[S.template(sid)];
    this.leave(T, now);
    this.tiers.place(sid, T, false);
  }

  /** A hibernated session of template T leaves hibernation (it wakes, or its state is lost). */
  leave(T: TemplateState, now: number): void {
    this.core.metrics.hibernated.set(now, --this.hibernatedNow);
    T.metrics?.hibernated.set(now, --T.hibernatedNow);
  }
}
