import type { Decision } from './scaler.js';

/** Where decisions go: HTTP endpoints, Prometheus metrics, KEDA, Kubernetes, stdout. */
export interface Sink {
  readonly name: string;
  /** Called after every decision; a sink's failure is its own (counted, logged), never the loop's. */
  publish(d: Decision): Promise<void>;
  close(): Promise<void>;
}
