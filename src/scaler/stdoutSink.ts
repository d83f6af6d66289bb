import type { Decision } from './scaler.js';
import type { Sink } from './sink.js';

/** One JSON line per decision. */
export class StdoutSink implements Sink {
  readonly name = 'stdout';
  constructor(private readonly write: (line: string) => void = (l) => process.stdout.write(l)) {}
  async publish(d: Decision): Promise<void> {
    this.write(JSON.stringify(d) + '\n');
  }
  async close(): Promise<void> {}
}
