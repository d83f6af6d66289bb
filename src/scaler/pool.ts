import type { ReadLimits } from './source.js';

/** What the scaler observes of the pool it sizes, each decision. */
export interface PoolState {
  /** The pool's desired size as it stands (`spec.replicas`): what the target was set to, by us or by someone else; null when the reader cannot see it. */
  replicas: number | null;
  /** Sandboxes ready to be claimed now (agent-sandbox `status.readyReplicas`, OpenKruise `status.availableReplicas`). */
  ready: number;
}

/** Reads the pool's state (the Kubernetes API, or a Prometheus query); rejects when it cannot. */
export interface PoolReader {
  readonly name: string;
  /** `nowS`: the decision's time (a query source evaluates there; the API server only knows now). */
  read(limits: ReadLimits, nowS: number): Promise<PoolState>;
}
