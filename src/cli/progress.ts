import { SingleBar } from 'cli-progress';
import { formatDuration } from '../scenario/units.js';

/** A progress reporter: `update(done, total)` as work advances, `stop()` once at the end. */
export interface Progress {
  update: (done: number, total: number) => void;
  stop: () => void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

/**
 * One progress bar with an ETA on stderr, counting `unit` (replications, points, evaluations,
 * runs), or nothing when stderr is not a terminal or the user asked for quiet. `done` may be
 * fractional (an evaluation half done) and `total` may change as a search learns how much is
 * left; the ETA is cli-progress's, from the rate of the last updates. `show` formats the count
 * (default `done/total unit`).
 */
export function progressBar(label: string, quiet: boolean, unit = 'replications', show?: (done: number, total: number) => string): Progress {
  if (quiet || !process.stderr.isTTY) return SILENT;
  const bar = new SingleBar({
    format: `${label} [{bar}] {shown} | {percentage}% | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 8,
    // redraw from inside a long synchronous run too (a replication in this thread)
    synchronousUpdate: true,
  });
  const fmt = show ?? ((d: number, n: number) => `${Math.floor(d)}/${n} ${unit}`);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0, { shown: fmt(0, total) });
        started = true;
      }
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(done, { shown: fmt(done, total) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * Progress of one replication in simulated time (`6.2h/24h simulated`), with an ETA from the
 * wall time the simulated time took so far: for a single long run, where a bar counting
 * replications would sit at 0/1 until the end.
 */
export function simTimeBar(label: string, quiet: boolean): Progress {
  return progressBar(label, quiet, 'simulated', (d, n) => `${formatDuration(d)}/${formatDuration(n)} simulated`);
}

/** A progress reporter that starts a new bar for each labelled phase (one per scenario or variant). */
export function phasedProgress(quiet: boolean): { update: (label: string, done: number, total: number) => void; stop: () => void } {
  let bar: Progress | undefined;
  return {
    update(label, done, total) {
      if (done === 1 || !bar) {
        bar?.stop();
        bar = progressBar(label, quiet);
      }
      bar.update(done, total);
    },
    stop: () => bar?.stop(),
  };
}

/** One bar for a whole command's work (`done` of at most `total` units), whatever phase reports it. */
export function overall(label: string, quiet: boolean, unit: string): { update: (label: string, done: number, total: number) => void; stop: () => void } {
  const bar = progressBar(label, quiet, unit, (d, n) => `${Math.floor(d)} of ≤ ${n} ${unit}`);
  return { update: (_, done, total) => bar.update(done, total), stop: bar.stop };
}
