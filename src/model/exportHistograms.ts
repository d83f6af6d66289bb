import { BucketHistogram, type HistogramTable } from '../stats/bucketHistogram.js';

/**
 * Bucket bounds (seconds) of the histograms a run exports as OpenMetrics. Start latency and
 * sandbox creation use the bounds of kubernetes-sigs/agent-sandbox's
 * `agent_sandbox_claim_startup_latency_ms` and `agent_sandbox_creation_latency_ms`
 * (internal/metrics/metrics.go; there in milliseconds), so a simulated fleet's histograms read
 * like a real one's. Session durations have no upstream histogram: 1 s … 1 day, about ×1.5 a step.
 */
export const EXPORT_BOUNDS = {
  startLatency: [0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 5, 10, 30, 60, 120, 240],
  creation: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240, 300, 600],
  sessionDuration: [1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 43200, 86400],
} as const;

/** The exported histograms' tables (see `HistogramTable`), one row per output interval. */
export interface ExportedHistograms {
  /** Start latency (arrival → ready) of sessions served from the warm pool. */
  startWarm: HistogramTable;
  /** Start latency of sessions that cold-started (reserved or serverless). */
  startCold: HistogramTable;
  /** Cold starts of sessions' sandboxes on reserved capacity (creation → ready). */
  createCold: HistogramTable;
  /** Cold starts of warm-pool refills. */
  createRefill: HistogramTable;
  /** Cold starts of sessions overflowed to serverless. */
  createServerless: HistogramTable;
  /** Session durations (ready → end), recorded when drawn. */
  session: HistogramTable;
}

/**
 * The fixed-memory histograms a run keeps only when asked to export them (`tidecast run
 * --openmetrics`): the fleet records into them at the points it already samples a delay, so a
 * run without export pays one null check per start.
 */
export class ExportHistograms {
  readonly startWarm: BucketHistogram;
  readonly startCold: BucketHistogram;
  readonly createCold: BucketHistogram;
  readonly createRefill: BucketHistogram;
  readonly createServerless: BucketHistogram;
  readonly session: BucketHistogram;

  constructor(rows: number) {
    this.startWarm = new BucketHistogram(EXPORT_BOUNDS.startLatency, rows);
    this.startCold = new BucketHistogram(EXPORT_BOUNDS.startLatency, rows);
    this.createCold = new BucketHistogram(EXPORT_BOUNDS.creation, rows);
    this.createRefill = new BucketHistogram(EXPORT_BOUNDS.creation, rows);
    this.createServerless = new BucketHistogram(EXPORT_BOUNDS.creation, rows);
    this.session = new BucketHistogram(EXPORT_BOUNDS.sessionDuration, rows);
  }

  /** Copies every histogram's cumulative state into the row of the interval just closed. */
  snapshot(): void {
    this.startWarm.snapshot();
    this.startCold.snapshot();
    this.createCold.snapshot();
    this.createRefill.snapshot();
    this.createServerless.snapshot();
    this.session.snapshot();
  }

  toJSON(): ExportedHistograms {
    return {
      startWarm: this.startWarm.toJSON(),
      startCold: this.startCold.toJSON(),
      createCold: this.createCold.toJSON(),
      createRefill: this.createRefill.toJSON(),
      createServerless: this.createServerless.toJSON(),
      session: this.session.toJSON(),
    };
  }
}
