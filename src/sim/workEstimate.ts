import { totalmem } from 'node:os';
import { UserError } from '../errors.js';
import { specMean } from '../random/distributions.js';
import type { ArrivalsSpec, Scenario } from '../scenario/schema.js';
import type { PreparedInputs } from '../workload/build.js';
import type { TraceData } from '../workload/trace.js';
import { tidalRate } from '../workload/tidal.js';
import { SERIES_COLUMNS } from '../model/metrics.js';

/**
 * The work a run asks for, estimated before it starts (issue #19: no input may hang or exhaust
 * memory). Events ≈ arrivals × events per session; memory ≈ what the sessions in flight, the
 * per-interval series and the traces hold. Deliberately simple: it has to tell 10⁸ events from
 * 10¹², not 10⁸ from 2·10⁸ (measured on the scenarios in scenarios/, 30-minute slices:
 * 4.2–4.7 events per single-turn session, 14.7 with 6.5 turns of 2 events each).
 */
export interface WorkEstimate {
  /** Expected arrivals in one replication (sessions, plus clones of fan-out events). */
  arrivals: number;
  /** Events per arrival assumed. */
  eventsPerArrival: number;
  /** Events of the whole run (all replications). */
  events: number;
  /** Sandboxes in flight at the busiest moment, by Little's law at the peak rate. */
  peakInFlight: number;
  /** Bytes the run will hold at once, roughly. */
  memoryBytes: number;
}

/** Limits a run must fit in (`--max-events`, `--max-memory`). */
export interface WorkLimits {
  maxEvents: number;
  maxMemoryBytes: number;
}

/**
 * Defaults sized for a 2-core machine: 2·10⁹ events is ~8 minutes of one core at 4M events/s
 * (ten times a Kimi-scale day of two replications, 2·10⁸); a third of the machine's memory.
 */
export function defaultLimits(): WorkLimits {
  return { maxEvents: 2e9, maxMemoryBytes: Math.floor(totalmem() / 3) };
}

/** Bytes per sandbox in flight: its row in the session table, its pending events, room to grow (×2). */
const BYTES_PER_IN_FLIGHT = 400;
/** Node, the modules and the model's fixed tables. */
const BASE_BYTES = 150e6;

/** Estimates a scenario's work (see {@link WorkEstimate}). */
export function estimateWork(s: Scenario, inputs: PreparedInputs, parallel = 1): WorkEstimate {
  const main = arrivalsOf(s.workload.arrivals, s.duration, inputs.trace);
  let arrivals = main.total;
  let peakRate = main.peak;
  for (const [name, t] of Object.entries(s.templates ?? {})) {
    if (!t.arrivals) continue;
    const a = arrivalsOf(t.arrivals, s.duration, inputs.templateTraces?.[name] ?? null);
    arrivals += a.total;
    peakRate += a.peak;
  }
  const turns = s.workload.turns;
  const meanTurns = turns ? Math.max(1, specMean(turns.count) + 0.5) : 1; // the count is rounded up
  const active = specMean(turns?.active ?? s.workload.sessionDuration);
  const holdS = active * meanTurns + (turns ? specMean(turns.think) * (meanTurns - 1) : 0);
  let eventsPerArrival = 5 + 2 * (meanTurns - 1);
  const fan = s.workload.fanout;
  let clones = 0;
  if (fan) {
    clones = (fan.rate !== undefined ? fan.rate * s.duration : fan.at!.length) * fan.size;
    eventsPerArrival = (arrivals * eventsPerArrival + clones * 4) / Math.max(1, arrivals + clones);
    arrivals += clones;
  }
  // the clock's own events: series samples, pool decisions (one per pool with a policy), node scans
  const pools = 1 + Object.keys(s.templates ?? {}).length;
  const ticks = s.duration / s.output.interval + (pools * s.duration) / s.infrastructure.warmPool.decisionInterval + (s.infrastructure.reserved.nodes ? s.duration / s.infrastructure.reserved.nodes.scanInterval : 0);
  const perReplication = arrivals * eventsPerArrival + ticks;
  const events = perReplication * s.replications;
  // a pool of `size` sandboxes is in flight from the start
  const ready = s.infrastructure.warmPool.size + Object.values(s.templates ?? {}).reduce((n, t) => n + t.warmPool.size, 0);
  const peakInFlight = peakRate * holdS + (fan ? fan.size * 2 : 0) + ready;
  const points = Math.ceil(s.duration / s.output.interval);
  const seriesBytes = points * SERIES_COLUMNS.length * 8 * (1 + Object.keys(s.templates ?? {}).length);
  const traceBytes = traceSize(inputs.trace) + Object.values(inputs.templateTraces ?? {}).reduce((n, t) => n + traceSize(t), 0);
  const lanes = Math.max(1, Math.min(parallel, s.replications));
  // every replication's series comes back to this thread; the sessions in flight live in each lane
  const memoryBytes = BASE_BYTES + traceBytes * (1 + lanes) + seriesBytes * (s.replications + lanes) + peakInFlight * BYTES_PER_IN_FLIGHT * lanes;
  return { arrivals, eventsPerArrival, events, peakInFlight, memoryBytes };
}

/** Expected arrivals over the horizon and the peak rate of one arrival spec. */
function arrivalsOf(a: ArrivalsSpec, horizonS: number, trace: TraceData | null): { total: number; peak: number } {
  if (a.poisson) return { total: a.poisson.rate * horizonS, peak: a.poisson.rate };
  if (a.tidal) {
    const t = a.tidal;
    // the deterministic curve sampled at up to 100k points (noise has mean one; bursts lift the peak)
    const n = Math.min(100_000, Math.max(1, Math.ceil(horizonS / t.step)));
    const dt = horizonS / n;
    let total = 0;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const r = tidalRate(t, (i + 0.5) * dt);
      total += r * dt;
      if (r > peak) peak = r;
    }
    const burst = t.bursts ? t.bursts.factor : 1;
    return { total: total * (t.bursts ? 1 + (burst - 1) * Math.min(1, t.bursts.rate * t.bursts.duration) : 1), peak: peak * burst * Math.exp(2 * t.noise) };
  }
  const spec = a.trace!;
  if (!trace) return { total: 0, peak: 0 };
  // a looped trace repeats over the horizon; otherwise only its part inside the horizon counts
  const cover = spec.loop ? horizonS / trace.spanS : Math.min(1, horizonS / trace.spanS);
  if (trace.kind === 'intervals') {
    let sum = 0;
    let peak = 0;
    for (const r of trace.curve.ratesPerS) {
      sum += r * trace.curve.stepS;
      if (r > peak) peak = r;
    }
    return { total: sum * spec.scale * cover, peak: peak * spec.scale };
  }
  const n = trace.timesS.length;
  return { total: n * spec.scale * cover, peak: (n / Math.max(trace.spanS, 1e-9)) * spec.scale * 3 };
}

function traceSize(t: TraceData | null): number {
  if (!t) return 0;
  return t.kind === 'intervals' ? t.curve.ratesPerS.byteLength : t.timesS.byteLength * (t.durationsS ? 2 : 1);
}

/** `1.2e10`-style for big numbers, grouped digits for smaller ones. */
function big(x: number): string {
  if (!Number.isFinite(x)) return 'unbounded';
  return x >= 1e7 ? x.toExponential(1).replace('e+', 'e') : Math.round(x).toLocaleString('en-US');
}

/** A size in GB or MB. */
export function bytes(x: number): string {
  if (!Number.isFinite(x)) return 'unbounded memory';
  return x >= 1e9 ? `${+(x / 1e9).toPrecision(3)} GB` : `${Math.round(x / 1e6)} MB`;
}

/**
 * Refuses a run over the limits with one line: what it would take, what the limit is, and how
 * to allow it. `who` names the scenario file.
 */
export function checkWork(who: string, s: Scenario, est: WorkEstimate, limits: WorkLimits): void {
  if (!(est.events <= limits.maxEvents)) {
    const minutes = est.events / 4e6 / 60;
    const time = !Number.isFinite(minutes) ? 'forever' : minutes < 120 ? `~${Math.ceil(minutes)} min` : minutes < 2880 ? `~${Math.round(minutes / 60)} h` : `~${big(minutes / 1440)} days`;
    throw new UserError(
      `${who}: this run would take ${Number.isFinite(est.events) ? `about ${big(est.events)} events` : 'more events than can be counted'} (${s.replications.toLocaleString('en-US')} replication${s.replications === 1 ? '' : 's'} × ${big(est.arrivals)} arrivals × ~${+est.eventsPerArrival.toFixed(1)} events; ${time} of one core at 4M events/s), over the limit of ${big(limits.maxEvents)}; ` +
        `shorten duration, lower the rate or replications, or allow it with --max-events ${Number.isFinite(est.events) ? big(Math.ceil(est.events * 1.1)) : '…'}`,
    );
  }
  if (!(est.memoryBytes <= limits.maxMemoryBytes)) {
    throw new UserError(
      `${who}: this run would hold about ${bytes(est.memoryBytes)} (${big(est.peakInFlight)} sandboxes in flight at the peak, ${big(Math.ceil(s.duration / s.output.interval))} series points × ${s.replications} replication${s.replications === 1 ? '' : 's'}), over the limit of ${bytes(limits.maxMemoryBytes)}; ` +
        `lower the rate, the pool or replications, lengthen output.interval, or allow it with --max-memory ${Number.isFinite(est.memoryBytes) ? `${Math.ceil((est.memoryBytes * 1.1) / 1e9)}GB` : '…'}`,
    );
  }
}
