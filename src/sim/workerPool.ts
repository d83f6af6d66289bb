import { Worker } from 'node:worker_threads';

/**
 * Runs tasks on a pool of worker threads (one module, one task per message, one answer per
 * task: `{ ok: true, result }` or `{ ok: false, error }`). Calls `onResult` as each finishes;
 * rejects on the first failure, after stopping every worker.
 */
export function runOnWorkers<T, R>(url: URL, tasks: readonly T[], workers: number, onResult: (task: T, result: R) => void): Promise<void> {
  if (tasks.length === 0) return Promise.resolve();
  let next = 0;
  let done = 0;
  return new Promise<void>((resolveAll, rejectAll) => {
    let failed = false;
    const pool = Array.from({ length: Math.max(1, Math.min(workers, tasks.length)) }, () => new Worker(url));
    const inFlight = new Map<Worker, T>();
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const x of pool) void x.terminate();
      rejectAll(e);
    };
    const feed = (w: Worker) => {
      if (next >= tasks.length) {
        void w.terminate();
        return;
      }
      const t = tasks[next++];
      inFlight.set(w, t);
      w.postMessage(t);
    };
    for (const w of pool) {
      w.on('message', (msg: { ok: true; result: R } | { ok: false; error: string; user?: boolean }) => {
        if (failed) return;
        if (!msg.ok) return fail(Object.assign(new Error(msg.error), { user: msg.user }));
        onResult(inFlight.get(w)!, msg.result);
        done++;
        if (done === tasks.length) resolveAll();
        feed(w);
      });
      w.on('error', (e) => fail(e));
      feed(w);
    }
  });
}
