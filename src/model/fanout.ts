import type { Engine } from '../engine/engine.js';
import type { Rng } from '../random/rng.js';
import type { FleetCore } from './fleetCore.js';
import { Flag } from './sessionTable.js';
import type { Step } from './step.js';
import type { CloneFailures, Tiers } from './tiers.js';

/** Fan-out settings as validated (`workload.fanout`). */
export interface FanoutSpec {
  size: number;
  rate?: number;
  at?: number[];
}

/**
 * Cloning fan-out (`workload.fanout`): `size` clones at once (of the first template), each a
 * slot like a request (no warm pool) through the tiers, placed by the scheduler, then
 * `cloneLatency`; completion = fan-out → its last clone ready. Clones are not sessions: they
 * count in capacity and cost, not in the session statistics. A clone that finds every tier full
 * (or is lost with its zone) fails its fan-out.
 *
 * May change: the session table (a record per clone, its duration field holding its fan-out's
 * index), the core's slots (through the tiers and releaseSlot), the fan-out metrics. Owns: the
 * fan-out times or Poisson rate, the clone and clone-end steps, each fan-out's start and clones
 * not yet ready.
 */
export class Fanout implements CloneFailures {
  private readonly kFanout: number;
  private readonly times: number[];
  private next = 0;
  private readonly size: number;
  private readonly rate: number;
  private readonly startS: number[] = [];
  private readonly pending: number[] = [];
  /** The clone step (handler: onCloneReady) and the clone's end step (handler: onCloneEnd), set by the assembly. */
  cloneStep: Step = null as unknown as Step;
  endStep: Step = null as unknown as Step;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    private readonly tiers: Tiers,
    spec: FanoutSpec,
    private readonly rng: Rng,
  ) {
    this.times = [...(spec.at ?? [])].sort((a, b) => a - b);
    this.size = spec.size;
    this.rate = spec.rate ?? 0;
    this.kFanout = engine.on(() => this.onFanout());
    tiers.clones = this;
  }

  /** The next fan-out time after `afterS` (a list, or a Poisson process). */
  schedule(afterS: number): void {
    let t = Infinity;
    if (this.rate > 0) t = afterS - Math.log(this.rng.next()) / this.rate;
    else if (this.next < this.times.length) t = this.times[this.next++];
    if (t < this.core.horizonS) this.engine.at(t, this.kFanout, 0, 0);
  }

  /** A fan-out: `size` clones at once (of the first template), each needing a slot (reserved, else queue or overflow) and the clone latency. */
  private onFanout(): void {
    const c = this.core;
    const now = this.engine.now;
    const id = this.startS.length;
    this.startS.push(now);
    this.pending.push(this.size);
    c.metrics.fanouts(now >= c.warmupS);
    const S = c.sessions;
    for (let k = 0; k < this.size; k++) this.tiers.place(S.alloc(now, id, Flag.Clone, 0), c.tmpl[0], false);
    this.schedule(now);
  }

  onCloneReady(sid: number): void {
    if (this.core.sessions.flags(sid) & Flag.Lost) return this.cloneFailed(sid);
    const now = this.engine.now;
    const id = this.core.sessions.durationS(sid);
    if (--this.pending[id] === 0 && this.startS[id] >= this.core.warmupS) this.core.metrics.fanoutDone(now - this.startS[id]);
    this.endStep.run(sid);
  }

  onCloneEnd(sid: number): void {
    const c = this.core;
    const S = c.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    const tier = S.tier(sid);
    const T = c.tmpl[S.template(sid)];
    S.release(sid);
    c.api?.delete();
    c.releaseSlot(tier, T);
  }

  /** A clone found every tier full (or was lost): its fan-out can never complete. */
  cloneFailed(sid: number): void {
    const id = this.core.sessions.durationS(sid);
    if (this.pending[id] > 0 && this.startS[id] >= this.core.warmupS) this.core.metrics.fanoutFailed++;
    this.pending[id] = -Infinity;
    this.core.sessions.release(sid);
  }
}
