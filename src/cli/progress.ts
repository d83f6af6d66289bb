import { SingleBar } from 'cli-progress';

/**
 * A progress bar with ETA on stderr for long runs, or nothing when stderr is not a terminal or
 * the user asked for quiet. Returns the callback to report progress and a function to finish.
 */
export function progressBar(label: string, quiet: boolean): { update: (done: number, total: number) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} replications | {percentage}% | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 4,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
