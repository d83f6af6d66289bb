/**
 * A signal that aborts after `ms` or when `parent` does (shutdown), whichever is first, with the
 * one timer and the one listener it adds released by `dispose()`: a decision a minute for weeks
 * must not leave a listener per decision on the process's shutdown signal.
 */
export function deadlineSignal(ms: number, parent?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const abort = () => ac.abort();
  const t = setTimeout(abort, Math.max(0, ms));
  if (parent?.aborted) ac.abort();
  else parent?.addEventListener('abort', abort, { once: true });
  return {
    signal: ac.signal,
    dispose: () => {
      clearTimeout(t);
      parent?.removeEventListener('abort', abort);
    },
  };
}

/** Settles with `p`, or with `undefined` once `signal` aborts (the work behind `p` is its owner's to end). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    signal.addEventListener('abort', done, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', done), resolve(v)),
      (e) => (signal.removeEventListener('abort', done), reject(e)),
    );
  });
}
