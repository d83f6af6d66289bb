import type { Decision } from './scaler.js';
import type { Sink } from './sink.js';

/**
 * When the reader of stdout goes away (`tidecast scaler --replay | head`), the next write fails
 * with EPIPE as an 'error' event: nobody is left to read the decisions, so exit quietly (status 0,
 * as `yes | head` does) instead of dying on an unhandled event with a stack trace. Other errors
 * are rethrown. Installed once, on the first stdout sink.
 */
let guarded = false;
function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/** One JSON line per decision. */
export class StdoutSink implements Sink {
  readonly name = 'stdout';
  private readonly write: (line: string) => void;
  constructor(write?: (line: string) => void) {
    if (!write) guardStdout();
    this.write = write ?? ((l) => process.stdout.write(l));
  }
  async publish(d: Decision): Promise<void> {
    this.write(JSON.stringify(d) + '\n');
  }
  async close(): Promise<void> {}
}
