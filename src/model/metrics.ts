import { LogHistogram } from '../stats/histogram.js';
import { TimeWeighted } from '../stats/timeWeighted.js';
import type { ExportHistograms } from './exportHistograms.js';

/** Columns of the per-interval time series (`timeseries.csv`), in order. */
export const SERIES_COLUMNS = [
  't',
  'arrivals',
  'started',
  'warmHits',
  'coldStarts',
  'queued',
  'overflowed',
  'rejected',
  'completed',
  'concurrency',
  'queue',
  'reservedBusy',
  'serverlessBusy',
  'poolReady',
  'poolTarget',
  'latencyMean',
  'latencyP50',
  'latencyP99',
  'costReserved',
  'costServerless',
  'runningWarm',
  'runningReserved',
  'runningServerless',
  'hibernated',
] as const;

/** One column of the series. */
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];
/** The per-interval series, column-wise. */
export type Series = Record<SeriesColumn, Float64Array>;

/**
 * Fixed-memory statistics of one run: counters and histograms for sessions that arrived after
 * warm-up, time-weighted levels over the measured window, and the per-interval series over the
 * whole horizon. The fleet model calls it; it never schedules anything itself.
 */
export class FleetMetrics {
  // Counters for sessions that arrived after warm-up.
  arrived = 0;
  started = 0;
  completed = 0;
  rejected = 0;
  queued = 0;
  overflowed = 0;
  warmHits = 0;
  coldStarts = 0;
  /** Start latency (arrival → sandbox ready), seconds. */
  readonly latency = new LogHistogram();
  /** Wait for a reserved slot (0 for sessions that never queued), seconds. */
  readonly queueWait = new LogHistogram();
  /** Wait in the scheduler's queue before placement, seconds. */
  readonly schedulerWait = new LogHistogram();
  /** Multi-turn sessions: hibernations, wakes, sessions lost (their sandbox destroyed while idle). */
  hibernations = 0;
  /** Think times begun (the gaps between turns). */
  thinks = 0;
  wakes = 0;
  lost = 0;
  /** Wake latency (next turn → sandbox ready again), seconds. */
  readonly wakeLatency = new LogHistogram();
  /** Sandboxes created with a cold start in the measured window (sessions and refills; for the start-up burst's cost). */
  creations = 0;
  /** Fan-outs begun, failed (a clone found every tier full), and completion times (→ last clone ready), seconds. */
  fanoutCount = 0;
  fanoutFailed = 0;
  readonly fanoutCompletion = new LogHistogram();
  /** Sessions hibernated (state kept, no slot). */
  readonly hibernated = new TimeWeighted();

  // Levels (time-weighted over the measured window).
  /** Sessions running (sandbox ready, session not ended). */
  readonly running = new TimeWeighted();
  /**
   * Running sessions by where they started (a warm-pool claim, a reserved cold start, serverless),
   * as plain counts sampled at each interval's end: the chart needs no time average, and three
   * integrals more per session cost ~10% of the Kimi-scale day.
   */
  readonly runningBy = new Float64Array(3);
  /** Sessions waiting for a reserved slot. */
  readonly queue = new TimeWeighted();
  /** Reserved slots held (sessions, pool sandboxes, creations). */
  readonly reservedBusy = new TimeWeighted();
  /** Serverless slots held. */
  readonly serverlessBusy = new TimeWeighted();
  /** Ready sandboxes in the warm pool. */
  readonly poolReady = new TimeWeighted();
  /** Lowest pool level seen in the measured window. */
  poolMin = Infinity;
  /** Highest reserved level seen over the whole run (what an unlimited tier had to provide). */
  reservedPeakAll = 0;

  // The current interval (all sessions, warm-up included).
  private iArrivals = 0;
  private iStarted = 0;
  private iWarm = 0;
  private iCold = 0;
  private iQueued = 0;
  private iOverflowed = 0;
  private iRejected = 0;
  private iCompleted = 0;
  private readonly iLatency = new LogHistogram();
  private row = 0;
  /** Prometheus-style histograms for `run --openmetrics` (null unless asked for: they cost a search per start). */
  exported: ExportHistograms | null = null;
  /** The series; rows filled so far: `rows`. */
  readonly series: Series;

  constructor(intervals: number) {
    const s = {} as Series;
    for (const c of SERIES_COLUMNS) s[c] = new Float64Array(intervals);
    this.series = s;
  }

  /** Rows of the series filled so far. */
  get rows(): number {
    return this.row;
  }

  arrival(counted: boolean): void {
    this.iArrivals++;
    if (counted) this.arrived++;
  }

  enqueued(counted: boolean): void {
    this.iQueued++;
    if (counted) this.queued++;
  }

  overflow(counted: boolean): void {
    this.iOverflowed++;
    if (counted) this.overflowed++;
  }

  reject(counted: boolean): void {
    this.iRejected++;
    if (counted) this.rejected++;
  }

  /** The latency histograms' bucket of a start latency: computed once, recorded by the fleet's and its template's metrics (`start`). */
  bucketOf(latencyS: number): number {
    return this.iLatency.bucketOf(latencyS);
  }

  /** A session started after `latencyS` (in bucket `b`, from `bucketOf`). */
  start(latencyS: number, b: number, warm: boolean, counted: boolean): void {
    this.iStarted++;
    this.iLatency.recordAt(b, latencyS);
    if (this.exported !== null) (warm ? this.exported.startWarm : this.exported.startCold).record(latencyS);
    if (warm) this.iWarm++;
    else this.iCold++;
    if (!counted) return;
    this.started++;
    this.latency.recordAt(b, latencyS);
    if (warm) this.warmHits++;
    else this.coldStarts++;
  }

  complete(counted: boolean): void {
    this.iCompleted++;
    if (counted) this.completed++;
  }

  hibernate(now: number, level: number, counted: boolean): void {
    this.hibernated.set(now, level);
    if (counted) this.hibernations++;
  }

  wake(latencyS: number, counted: boolean): void {
    if (!counted) return;
    this.wakes++;
    this.wakeLatency.record(latencyS);
  }

  fanouts(counted: boolean): void {
    if (counted) this.fanoutCount++;
  }

  fanoutDone(s: number): void {
    this.fanoutCompletion.record(s);
  }

  lose(counted: boolean): void {
    if (counted) this.lost++;
  }

  poolLevel(now: number, ready: number): void {
    this.poolReady.set(now, ready);
    if (ready < this.poolMin) this.poolMin = ready;
  }

  reservedLevel(now: number, busy: number): void {
    this.reservedBusy.set(now, busy);
    if (busy > this.reservedPeakAll) this.reservedPeakAll = busy;
  }

  /** Starts the measured window (end of warm-up). */
  restart(now: number): void {
    this.running.restart(now);
    this.queue.restart(now);
    this.reservedBusy.restart(now);
    this.serverlessBusy.restart(now);
    this.poolReady.restart(now);
    this.hibernated.restart(now);
    this.poolMin = this.poolReady.level;
  }

  /** Closes the interval ending at `now` and writes its row. */
  cut(now: number, poolTarget: number, reservedSlots: number, costPerSlotHour: number, serverlessCostPerSlotS: number, intervalS: number): void {
    if (this.row >= this.series.t.length) return;
    const s = this.series;
    const r = this.row++;
    s.t[r] = now;
    s.arrivals[r] = this.iArrivals;
    s.started[r] = this.iStarted;
    s.warmHits[r] = this.iWarm;
    s.coldStarts[r] = this.iCold;
    s.queued[r] = this.iQueued;
    s.overflowed[r] = this.iOverflowed;
    s.rejected[r] = this.iRejected;
    s.completed[r] = this.iCompleted;
    s.concurrency[r] = this.running.cut(now);
    s.queue[r] = this.queue.cut(now);
    const rb = this.reservedBusy.cut(now);
    s.reservedBusy[r] = rb;
    const sb = this.serverlessBusy.cut(now);
    s.serverlessBusy[r] = sb;
    s.poolReady[r] = this.poolReady.cut(now);
    s.poolTarget[r] = poolTarget;
    s.latencyMean[r] = this.iLatency.mean;
    s.latencyP50[r] = this.iLatency.quantile(0.5);
    s.latencyP99[r] = this.iLatency.quantile(0.99);
    // Unlimited reserved capacity is billed for the slots in use (see the fleet's cost rule).
    s.costReserved[r] = ((Number.isFinite(reservedSlots) ? reservedSlots : rb) * intervalS * costPerSlotHour) / 3600;
    s.costServerless[r] = sb * intervalS * serverlessCostPerSlotS;
    s.runningWarm[r] = this.runningBy[0];
    s.runningReserved[r] = this.runningBy[1];
    s.runningServerless[r] = this.runningBy[2];
    s.hibernated[r] = this.hibernated.cut(now);
    this.exported?.snapshot();
    this.iArrivals = this.iStarted = this.iWarm = this.iCold = this.iQueued = 0;
    this.iOverflowed = this.iRejected = this.iCompleted = 0;
    this.iLatency.reset();
  }
}
