import { Worker } from 'node:worker_threads';
import type { AheadSpec } from '../random/ahead.js';
import type { FarSpec } from './farQueue.js';

/** Slots of the helper's bell (Int32, shared with the helper thread). */
export const enum Bell {
  /** Rung (incremented) when main wants the helper awake. */
  Ring = 0,
  /** Set by the helper when it failed (its error goes to stderr through the worker). */
  Failed = 1,
  Size = 2,
}

/** Work the helper thread serves: far queues (src/engine/farQueue.ts) and samplers drawing ahead (src/random/ahead.ts). */
export type HelperWork = FarSpec | AheadSpec;

const SPIN_LIMIT_MS = 60_000;

/**
 * The helper thread of one engine: a worker (src/engine/farHelper.ts) that sorts far queues'
 * events and draws samplers' random values ahead, each through shared-memory rings, so that main
 * only reads. Work is handed over once (`serve`); the bell is rung when main waits, so an idle
 * helper sleeps instead of spinning.
 */
export class Helper {
  readonly bell = new Int32Array(new SharedArrayBuffer(4 * Bell.Size));
  private readonly worker: Worker;
  constructor() {
    this.worker = new Worker(new URL('./farHelper.js', import.meta.url), { workerData: { bell: this.bell.buffer } });
    this.worker.unref();
  }

  serve(work: HelperWork): void {
    this.worker.postMessage(work);
    this.ring();
  }

  ring(): void {
    Atomics.add(this.bell, Bell.Ring, 1);
    Atomics.notify(this.bell, Bell.Ring);
  }

  /** Spins until `done()` (main waiting for the helper), ringing now and then; throws if the helper failed or gives no answer for a minute. */
  wait(done: () => boolean): void {
    let n = 0;
    let since = 0;
    while (!done()) {
      if (++n % 4096 !== 0) continue;
      if (Atomics.load(this.bell, Bell.Failed) !== 0) throw new Error('the engine helper thread failed');
      if (since === 0) since = Date.now();
      else if (Date.now() - since > SPIN_LIMIT_MS) throw new Error(`the engine helper thread gave no answer for ${SPIN_LIMIT_MS / 1000} s`);
      this.ring();
    }
  }

  close(): void {
    void this.worker.terminate();
  }
}
