import { IdQueue } from './idQueue.js';
import type { Engine } from '../engine/engine.js';

/** Job ids from here up are warm-pool refills of template (id − REFILL_BASE): refills carry no record. */
const REFILL_BASE = 0x7fff0000;

/** The job id of a refill of template `t`. */
export function refillJob(t: number): number {
  return REFILL_BASE + t;
}

/** Whether a job is a refill (else it is a session id). */
export function isRefill(job: number): boolean {
  return job >= REFILL_BASE;
}

/** The template of a refill job. */
export function refillTemplate(job: number): number {
  return job - REFILL_BASE;
}

/**
 * The pod scheduler: one FIFO server that places every sandbox creation in a fixed service time
 * d = 1/throughput. Session creations go before pool refills (non-preemptive priority); within
 * a class, first come first served. With unlimited throughput a job is placed at once.
 *
 * Because service is deterministic and sessions outrank refills, a session's placement time is
 * known when it is submitted: it starts when the server has finished every job already
 * committed (`freeAt`), since no later job can overtake it. It is committed at once and costs
 * no event of its own. A refill is committed only when the server would otherwise be idle: at
 * submission if it is idle then, else at a "free" event when committed work runs out. This is
 * exactly the non-preemptive priority queue, with one event per refill that had to wait instead
 * of one per job (on the Kimi-scale day it removed ~30M of ~155M events).
 *
 * `onPlaced(job)` is called when a job is committed: it enters service at `startS` and is placed
 * (its cold start begins) at `placedS`, both ≥ now and non-decreasing across calls. The times
 * are fields, not arguments (a call V8 does not inline boxes a double argument); unlimited, a
 * job is placed now and they are not set.
 */
export class Scheduler {
  readonly unlimited: boolean;
  /** Seconds of service committed since the last `restart` (for utilisation). */
  busyS = 0;
  /** When the job being placed enters service, and is placed (s; limited throughput only). NaN: a double field from the start. */
  startS = NaN;
  placedS = NaN;
  private readonly d: number;
  private freeAt = 0;
  private refillsWaiting = 0;
  /** Refills waiting, by template, in arrival order (templates); cancelled ones are skipped when met. */
  private readonly refillQueue = new IdQueue(64);
  private readonly waitingOf: Int32Array;
  private readonly cancelledOf: Int32Array;
  private freeEventAt = -1;
  private readonly kind: number;
  private readonly lane: number;

  constructor(
    private readonly engine: Engine,
    throughputPerS: number,
    private readonly onPlaced: (job: number) => void,
    templates = 1,
  ) {
    this.waitingOf = new Int32Array(templates);
    this.cancelledOf = new Int32Array(templates);
    this.unlimited = !Number.isFinite(throughputPerS);
    this.d = this.unlimited ? 0 : 1 / throughputPerS;
    this.kind = engine.on(() => this.onFree());
    // an unlimited scheduler never waits for its server: no lane
    this.lane = this.unlimited ? -1 : engine.stream(1);
  }


  /** Submits a session creation (`job` = session id) or a refill (`refillJob(t)`). */
  submit(job: number): void {
    const now = this.engine.now;
    if (this.unlimited) return this.onPlaced(job);
    if (!isRefill(job)) {
      const start = this.freeAt > now ? this.freeAt : now;
      this.commit(job, start);
      return;
    }
    if (this.freeAt <= now && this.refillsWaiting === 0) {
      this.commit(job, now);
      return;
    }
    this.refillsWaiting++;
    const t = refillTemplate(job);
    this.waitingOf[t]++;
    this.refillQueue.push(t);
    this.armFree();
  }

  /** Drops up to `n` refills of template `t` that have not entered service yet; returns how many were dropped. */
  cancelRefills(t: number, n: number): number {
    const k = Math.min(n, this.waitingOf[t]);
    this.waitingOf[t] -= k;
    this.cancelledOf[t] += k;
    this.refillsWaiting -= k;
    return k;
  }

  /** Starts the measured window (utilisation counts service committed from now on). */
  restart(): void {
    this.busyS = 0;
  }

  private commit(job: number, start: number): void {
    this.freeAt = start + this.d;
    this.busyS += this.d;
    this.startS = start;
    this.placedS = this.freeAt;
    this.onPlaced(job);
  }

  private armFree(): void {
    if (this.freeEventAt >= this.freeAt) return;
    this.freeEventAt = this.freeAt;
    this.engine.inStream(this.lane, this.freeAt, this.kind, 0);
  }

  private onFree(): void {
    const now = this.engine.now;
    if (this.freeEventAt === now) this.freeEventAt = -1;
    if (this.refillsWaiting === 0) return;
    if (this.freeAt > now) return this.armFree(); // sessions were committed meanwhile
    this.refillsWaiting--;
    // the oldest refill still wanted (refills of a template are interchangeable: a cancelled one is any of them)
    let t = this.refillQueue.shift();
    while (this.cancelledOf[t] > 0) {
      this.cancelledOf[t]--;
      t = this.refillQueue.shift();
    }
    this.waitingOf[t]--;
    this.commit(refillJob(t), now);
    if (this.refillsWaiting > 0) this.armFree();
  }
}
