import type { Engine } from '../engine/engine.js';
import type { Distribution } from '../random/distributions.js';
import type { Eviction } from './eviction.js';
import type { FleetCore, TemplateState } from './fleetCore.js';
import type { Hibernation } from './hibernation.js';
import { Flag } from './sessionTable.js';
import { later } from './step.js';

/**
 * Multi-turn sessions (`workload.turns`): `count` turns of active time separated by think times,
 * the slot held throughout — unless hibernation (src/model/hibernation.ts) releases it during a
 * long think, or evict-on-pressure (src/model/eviction.ts) takes it from an idle session.
 *
 * May change: a session's turns left and flags (Idle cleared on its next turn); it schedules
 * the session's end (the core's `end`), hibernate and wake events, and counts think times.
 * Owns: the count and think-time samplers, the next-turn event.
 */
export class Turns {
  private readonly kNextTurn: number;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    private readonly count: Distribution,
    private readonly think: Distribution,
    /** The queue session ends, turns, hibernations and wakes wait in (-1: the main heap). */
    private readonly heap: number,
    private readonly hibernation: Hibernation | null,
    private readonly eviction: Eviction | null,
  ) {
    this.kNextTurn = engine.on((id) => this.onNextTurn(id));
  }

  /** A new session is ready: it draws its number of turns and runs the first. */
  begin(T: TemplateState, sid: number, now: number): void {
    this.core.sessions.setTurnsLeft(sid, Math.max(1, Math.ceil(this.count.sample())) - 1);
    this.run(T, sid, now);
  }

  /**
   * A multi-turn session runs from `now`. Nothing outside a session sees a think time it spends
   * holding its sandbox, so without evict-on-pressure its turns are drawn here at once, up to its
   * end or the first think time long enough to hibernate: one event (end, or hibernate + wake)
   * instead of two per turn. With evict-on-pressure idle sessions are visible (evictable), so
   * each turn is an event of its own (onTurnEnd).
   */
  run(T: TemplateState, sid: number, now: number): void {
    if (this.eviction !== null) return T.activeStep!.run(sid);
    const S = this.core.sessions;
    const active = T.activeStep!.dist;
    const think = this.think;
    const h = this.hibernation;
    const idleS = h === null ? Infinity : h.idleS;
    const counted = (S.flags(sid) & Flag.Counted) !== 0;
    let left = S.turnsLeft(sid);
    let t = active.sample();
    while (left > 0) {
      left--;
      if (counted && now + t < this.core.horizonS) this.core.metrics.thinks++;
      const gap = think.sample();
      if (gap > idleS) {
        S.setTurnsLeft(sid, left);
        later(this.engine, this.heap, t + idleS, h!.kHibernate, sid);
        later(this.engine, this.heap, t + gap, h!.kWake, sid);
        return;
      }
      t += gap + active.sample();
    }
    S.setTurnsLeft(sid, 0);
    later(this.engine, this.heap, t, T.endStep.kind, sid);
  }

  /** (Evict-on-pressure) A turn's active time is over: the session ends, or thinks (holding its slot, or hibernating after the idle timeout). */
  onTurnEnd(sid: number): void {
    const c = this.core;
    const S = c.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    const left = S.turnsLeft(sid);
    if (left === 0) return c.end(sid);
    S.setTurnsLeft(sid, left - 1);
    if (S.flags(sid) & Flag.Counted) c.metrics.thinks++;
    const think = this.think.sample();
    const h = this.hibernation;
    if (h !== null && think > h.idleS) {
      later(this.engine, this.heap, h.idleS, h.kHibernate, sid);
      later(this.engine, this.heap, think, h.kWake, sid);
      return;
    }
    this.eviction?.markIdle(sid);
    later(this.engine, this.heap, think, this.kNextTurn, sid);
  }

  /** The next turn of a session that kept its slot (or was lost meanwhile: then its record goes). */
  private onNextTurn(sid: number): void {
    const S = this.core.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    S.clearFlag(sid, Flag.Idle);
    this.core.tmpl[S.template(sid)].activeStep!.run(sid);
  }
}
