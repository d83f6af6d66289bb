import type { FleetCore } from './fleetCore.js';
import { IdQueue } from './idQueue.js';
import { Flag, Tier } from './sessionTable.js';

/**
 * Evict-on-pressure (`infrastructure.evictOnPressure`, multi-turn sessions): an arrival that
 * finds every reserved slot taken (and nobody queued) destroys the sandbox of the longest-idle
 * session holding a reserved slot and takes its slot; that session is lost.
 *
 * May change: the core's reserved slot count (slots of evicted sandboxes), the running and lost
 * counts, and an idle session's flags (Idle → Lost). Owns: the queue of idle sessions (lazily
 * cleaned: sessions that resumed, were lost or ended are skipped when met).
 */
export class Eviction {
  private readonly idle = new IdQueue(1024);

  constructor(private readonly core: FleetCore) {}

  /** Session `sid`, holding its slot, starts thinking: evictable until its next turn (a reserved slot only). */
  markIdle(sid: number): void {
    const S = this.core.sessions;
    if (S.tier(sid) !== Tier.Reserved) return;
    S.addFlag(sid, Flag.Idle);
    this.idle.push(sid);
    if (this.idle.size > 4 * S.live + 1024) this.compact();
  }

  /**
   * Destroys the sandboxes of the longest-idle sessions holding reserved slots until `slots` are
   * free; false when there are not enough (the slots freed stay free).
   */
  evictFor(slots: number): boolean {
    const c = this.core;
    const S = c.sessions;
    const q = this.idle;
    while (c.reservedSlots - c.reservedUsed < slots) {
      if (q.size === 0) return false;
      const v = q.shift();
      const f = S.flags(v);
      if ((f & (Flag.Idle | Flag.Lost | Flag.Live)) !== (Flag.Idle | Flag.Live)) continue; // resumed, lost or gone
      const T = c.tmpl[S.template(v)];
      S.clearFlag(v, Flag.Idle | Flag.Started);
      S.addFlag(v, Flag.Lost);
      c.stopRunning(T, f, Tier.Reserved);
      c.lose(T, f);
      c.api?.delete();
      c.useReserved(T, -T.size);
    }
    return true;
  }

  private compact(): void {
    const q = this.idle;
    const keep: number[] = [];
    while (q.size > 0) {
      const v = q.shift();
      if ((this.core.sessions.flags(v) & (Flag.Idle | Flag.Lost)) === Flag.Idle) keep.push(v);
    }
    for (const v of keep) q.push(v);
  }
}
