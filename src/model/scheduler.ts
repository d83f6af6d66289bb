import type { Engine } from '../engine/engine.js';
import { TimeWeighted } from '../stats/timeWeighted.js';
import { IdQueue } from './idQueue.js';

/** The job id of a warm-pool refill (refills are interchangeable, so they carry no record). */
export const REFILL_JOB = 0x7fffffff;

/**
 * The pod scheduler: one FIFO server that places every sandbox creation in a fixed service time
 * of 1/throughput. Session creations go before pool refills (non-preemptive priority); within a
 * class, first come first served. With unlimited throughput a job is placed at once.
 */
export class Scheduler {
  readonly unlimited: boolean;
  /** 1 while placing a job, for utilisation. */
  readonly busy: TimeWeighted;
  private readonly sessions = new IdQueue();
  private refills = 0;
  private serving = false;
  private readonly lane: number;
  private readonly kind: number;

  /**
   * @param onPlaced called when a job is placed (its cold start begins)
   * @param onStart called when a session job enters service (to measure its scheduling wait)
   */
  constructor(
    private readonly engine: Engine,
    throughputPerS: number,
    private readonly onPlaced: (job: number) => void,
    private readonly onStart: (job: number) => void,
  ) {
    this.unlimited = !Number.isFinite(throughputPerS);
    this.busy = new TimeWeighted(0, 0);
    this.kind = engine.on((job) => this.done(job));
    this.lane = this.unlimited ? -1 : engine.lane(1 / throughputPerS);
  }

  /** Jobs waiting to be placed (not counting the one in service). */
  get queued(): number {
    return this.sessions.size + this.refills;
  }

  /** Submits a session creation (`job` = session id) or a refill (`REFILL_JOB`). */
  submit(job: number): void {
    if (this.unlimited) {
      if (job !== REFILL_JOB) this.onStart(job);
      this.onPlaced(job);
      return;
    }
    if (!this.serving) return this.serve(job);
    if (job === REFILL_JOB) this.refills++;
    else this.sessions.push(job);
  }

  /** Drops up to `n` refills that have not entered service yet; returns how many were dropped. */
  cancelRefills(n: number): number {
    const k = Math.min(n, this.refills);
    this.refills -= k;
    return k;
  }

  private serve(job: number): void {
    if (!this.serving) {
      this.serving = true;
      this.busy.set(this.engine.now, 1);
    }
    if (job !== REFILL_JOB) this.onStart(job);
    this.engine.inLane(this.lane, this.kind, job);
  }

  private done(job: number): void {
    if (this.sessions.size > 0) this.serve(this.sessions.shift());
    else if (this.refills > 0) {
      this.refills--;
      this.serve(REFILL_JOB);
    } else {
      this.serving = false;
      this.busy.set(this.engine.now, 0);
    }
    this.onPlaced(job);
  }
}
