import type { Decision } from './scaler.js';

/** Where decisions go: HTTP endpoints, Prometheus metrics, KEDA, Kubernetes, stdout. */
export interface Sink {
  readonly name: string;
  /**
   * Called after every decision; a sink's failure is its own (counted, logged), never the loop's.
   * `signal` aborts at the decision's publishing deadline (or shutdown): a sink doing I/O ends it
   * then; the loop stops waiting for it regardless.
   */
  publish(d: Decision, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
