import type { Engine } from '../engine/engine.js';

/**
 * The Kubernetes API server as a control-plane limit: one FIFO server handling `rate` calls a
 * second. Every sandbox creation makes a create call before the scheduler sees it; every
 * deletion a delete call, which delays the creates behind it (the churn that stresses etcd).
 * Service is deterministic and FIFO, so each call's completion is known when it is made: a
 * create costs one event (its hand-off to the scheduler, on a FIFO stream lane), a delete none.
 */
export class ApiServer {
  private readonly d: number;
  private freeAt = 0;
  private readonly kind: number;
  private readonly lane: number;
  /** Seconds of service and calls since the last `restart`, and the summed wait of creates. */
  busyS = 0;
  creates = 0;
  deletes = 0;
  createWaitS = 0;

  constructor(
    private readonly engine: Engine,
    ratePerS: number,
    private readonly onCreated: (job: number) => void,
  ) {
    this.d = 1 / ratePerS;
    this.kind = engine.on((job) => this.onCreated(job));
    this.lane = engine.stream();
  }

  /** A create call for `job`; the job is handed on when the call completes. */
  create(job: number): void {
    const now = this.engine.now;
    const start = this.freeAt > now ? this.freeAt : now;
    this.freeAt = start + this.d;
    this.busyS += this.d;
    this.creates++;
    this.createWaitS += this.freeAt - now;
    this.engine.inStream(this.lane, this.freeAt, this.kind, job);
  }

  /** A delete call: it only takes the server's time. */
  delete(): void {
    const now = this.engine.now;
    this.freeAt = (this.freeAt > now ? this.freeAt : now) + this.d;
    this.busyS += this.d;
    this.deletes++;
  }

  restart(): void {
    this.busyS = 0;
    this.creates = this.deletes = 0;
    this.createWaitS = 0;
  }
}
