import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.js';
import type { PreparedInputs } from '../workload/build.js';
import { runReplication, type ReplicationResult } from './replication.js';

/** How replications are run. */
export interface RunOptions {
  /** Worker threads (0 = run in this thread). Default: min(replications, cores). */
  workers?: number;
  /** Called after each replication finishes. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every replication of a scenario, on worker threads when there is more than one, and
 * returns the results ordered by replication index (so output does not depend on which thread
 * finished first).
 */
export async function runReplications(s: Scenario, inputs: PreparedInputs, opts: RunOptions = {}): Promise<ReplicationResult[]> {
  const n = s.replications;
  const workers = Math.min(n, opts.workers ?? (n > 1 ? availableParallelism() : 0));
  const results: ReplicationResult[] = new Array(n);
  if (workers <= 0) {
    for (let r = 0; r < n; r++) {
      results[r] = runReplication(s, inputs, r);
      opts.onProgress?.(r + 1, n);
    }
    return results;
  }
  const url = new URL('./worker.js', import.meta.url);
  let next = 0;
  let done = 0;
  await new Promise<void>((resolveAll, rejectAll) => {
    let failed = false;
    const pool = Array.from({ length: workers }, () => new Worker(url));
    const feed = (w: Worker) => {
      if (next >= n) {
        void w.terminate();
        return;
      }
      w.postMessage({ scenario: s, inputs, replication: next++ });
    };
    for (const w of pool) {
      w.on('message', (msg: { ok: true; result: ReplicationResult } | { ok: false; error: string }) => {
        if (failed) return;
        if (!msg.ok) {
          failed = true;
          for (const x of pool) void x.terminate();
          rejectAll(new Error(msg.error));
          return;
        }
        results[msg.result.replication] = msg.result;
        done++;
        opts.onProgress?.(done, n);
        if (done === n) resolveAll();
        feed(w);
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        for (const x of pool) void x.terminate();
        rejectAll(e);
      });
      feed(w);
    }
  });
  return results;
}
