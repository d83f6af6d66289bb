import type { Engine } from '../engine/engine.js';
import type { Eviction } from './eviction.js';
import type { FleetCore, TemplateState } from './fleetCore.js';
import { Flag, Tier } from './sessionTable.js';

/** What becomes of a clone that finds every tier full (src/model/fanout.ts): its fan-out can never complete. */
export interface CloneFailures {
  cloneFailed(sid: number): void;
}

/**
 * The capacity tiers: reserved slots with a FIFO queue, serverless on overflow. The cascade a
 * sandbox takes is written once (`place`): a free reserved slot (nobody waiting), else — for a
 * new session with evict-on-pressure — the slots of idle sessions, else serverless when
 * ≥ `queueThreshold` already wait (0: whenever no reserved slot is free), else the queue, which
 * overflows to serverless when a wait reaches `waitTimeout`. A serverless tier at `maxSlots`
 * rejects the request (a clone's fan-out fails; a wake's session is lost).
 *
 * May change: the core's reserved and serverless slot counts and queue (through its methods),
 * a session's tier, zone, flags (Queued) and hand-off time; and release the record of a
 * session rejected or lost. Owns: the overflow settings and the wait-timeout lane and event.
 */
export class Tiers {
  private readonly queueThreshold: number;
  private readonly waitTimeoutS: number;
  private readonly kTimeout: number;
  private readonly timeoutLane: number;
  /** Set by the fan-out module when the scenario has one. */
  clones: CloneFailures | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    overflow: { queueThreshold: number; waitTimeout: number },
    /** Evict-on-pressure (null: off). */
    private readonly eviction: Eviction | null,
  ) {
    this.queueThreshold = overflow.queueThreshold;
    this.waitTimeoutS = overflow.waitTimeout;
    this.kTimeout = engine.on(() => this.onTimeout());
    // waits overflow to serverless only: without it, no lane (one queue fewer for the engine to scan)
    this.timeoutLane = core.serverlessEnabled && Number.isFinite(this.waitTimeoutS) ? engine.lane(this.waitTimeoutS) : -1;
  }

  /**
   * Finds sandbox `sid` of template T a slot: a free reserved slot, else (`evict`: a new session
   * with evict-on-pressure on) idle sessions' reserved slots, else serverless past the queue
   * threshold, else the queue. True when it joined the queue.
   */
  place(sid: number, T: TemplateState, evict: boolean): boolean {
    const c = this.core;
    if (c.reservedSlots - c.reservedUsed >= T.size && c.waiting.size === 0) {
      this.toReserved(sid, T);
    } else if (evict && this.eviction !== null && c.waiting.size === 0 && this.eviction.evictFor(T.size)) {
      // capacity ran out: idle sessions' sandboxes were destroyed and their slots are this session's
      this.toReserved(sid, T);
    } else if (c.serverlessEnabled && c.waiting.size >= this.queueThreshold) {
      this.toServerless(sid);
    } else {
      this.enqueue(sid, T);
      return true;
    }
    return false;
  }

  private toReserved(sid: number, T: TemplateState): void {
    const c = this.core;
    c.useReserved(T, T.size);
    c.takeTier(sid, Tier.Reserved);
    c.submit(sid);
  }

  /** Joins the reserved queue (FIFO), with the wait-timeout check for overflow. */
  private enqueue(sid: number, T: TemplateState): void {
    const c = this.core;
    const now = this.engine.now;
    c.sessions.setMarkT(sid, now);
    c.waiting.push(sid);
    c.waitingSlots += T.size;
    c.metrics.queue.set(now, c.waiting.size);
    if (this.timeoutLane >= 0) this.engine.inLane(this.timeoutLane, this.kTimeout, 0);
  }

  private toServerless(sid: number): void {
    const c = this.core;
    const S = c.sessions;
    const f = S.flags(sid);
    const counted = (f & Flag.Counted) !== 0;
    const T = c.tmpl[S.template(sid)];
    if (c.serverlessUsed + T.size <= c.serverlessMax) {
      c.useServerless(T, T.size);
      S.setTier(sid, Tier.Serverless);
      // sessions.overflowed counts sessions at their start; wakes and clones overflow too, uncounted there
      if (!(f & (Flag.Waking | Flag.Clone))) {
        c.metrics.overflow(counted);
        T.metrics?.overflow(counted);
      }
      c.submit(sid);
    } else if (f & Flag.Clone) {
      this.clones!.cloneFailed(sid);
    } else if (f & Flag.Waking) {
      // its state could not be restored anywhere
      c.lose(T, f);
      S.release(sid);
    } else {
      c.metrics.reject(counted);
      T.metrics?.reject(counted);
      S.release(sid);
    }
  }

  /** A wait reached the timeout: the head of the queue (FIFO and equal timeouts) overflows. */
  private onTimeout(): void {
    const c = this.core;
    const now = this.engine.now;
    const S = c.sessions;
    let left = false;
    while (c.waiting.size > 0 && S.markT(c.waiting.peek()) + this.waitTimeoutS <= now) {
      const sid = c.dequeue();
      left = true;
      c.recordQueueWait(sid, now);
      this.toServerless(sid);
    }
    // a big head that left may unblock smaller sessions behind it
    if (left) c.serveReserved();
  }
}
