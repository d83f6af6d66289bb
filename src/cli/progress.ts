import { SingleBar } from 'cli-progress';
import { formatDuration } from '../scenario/units.js';

/** A progress reporter: `update(done, total)` as work advances, `stop()` once at the end. */
export interface Progress {
  update: (done: number, total: number) => void;
  stop: () => void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

let warned = false;

/**
 * Seconds between plain progress lines where stderr is not a terminal (a CI log, `kubectl logs`,
 * `nohup`), from `TIDECAST_PROGRESS`: unset or empty, none (a bar is drawn only on a terminal);
 * `plain`, one every 30 s; a number, one every that many seconds. Anything else is said once on
 * stderr and ignored (a progress setting never stops a run).
 */
export function plainEverySeconds(env: string | undefined, warn: (line: string) => void = (l) => process.stderr.write(l)): number {
  if (env === undefined || env.trim() === '') return 0;
  if (env.trim() === 'plain') return 30;
  const n = Number(env);
  if (Number.isFinite(n) && n > 0) return n;
  if (!warned) warn(`tidecast: TIDECAST_PROGRESS=${env} ignored (expected plain or the seconds between progress lines, e.g. 10)\n`);
  warned = true;
  return 0;
}

function clock(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/**
 * Progress as plain lines, at most one every `everyS` seconds (`label: 3/12 replications, 25%,
 * 1m04s elapsed, ETA 3m12s`), the ETA from the average rate so far. For logs, where a bar's
 * redraws would be noise. `now` (ms) and `write` are for tests.
 */
export function plainLines(label: string, everyS: number, fmt: (done: number, total: number) => string, now: () => number = () => performance.now(), write: (line: string) => void = (l) => process.stderr.write(l)): Progress {
  const t0 = now();
  let last = t0;
  return {
    update(done, total) {
      const t = now();
      if (t - last < everyS * 1000) return;
      last = t;
      const elapsed = (t - t0) / 1000;
      const eta = done > 0 && total >= done ? (elapsed * (total - done)) / done : NaN;
      const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
      write(`${label}: ${fmt(done, total)}, ${pct.toFixed(0)}%, ${clock(elapsed)} elapsed, ETA ${clock(eta)}\n`);
    },
    stop() {},
  };
}

/**
 * One progress bar with an ETA on stderr, counting `unit` (replications, points, evaluations,
 * runs); where stderr is not a terminal, nothing, or plain lines if `TIDECAST_PROGRESS` asks
 * (`plainEverySeconds`); nothing when the user asked for quiet. `done` may be
 * fractional (an evaluation half done) and `total` may change as a search learns how much is
 * left; the ETA is cli-progress's, from the rate of the last updates. `show` formats the count
 * (default `done/total unit`).
 */
export function progressBar(label: string, quiet: boolean, unit = 'replications', show?: (done: number, total: number) => string): Progress {
  if (quiet) return SILENT;
  if (!process.stderr.isTTY) {
    const every = plainEverySeconds(process.env.TIDECAST_PROGRESS);
    return every > 0 ? plainLines(label, every, show ?? ((d, n) => `${Math.floor(d)}/${n} ${unit}`)) : SILENT;
  }
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
