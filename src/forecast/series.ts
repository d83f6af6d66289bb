import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import type { TraceData } from '../workload/trace.js';

/** A regular count series: `counts[i]` arrivals in [start + i·step, start + (i+1)·step). */
export interface CountSeries {
  /** Start time: seconds since the epoch when `absolute`, else seconds as the trace wrote them. */
  startS: number;
  absolute: boolean;
  stepS: number;
  counts: Float64Array;
  /**
   * A partial last step that was cut off (`wholeSteps`): the trace ends `coveredS` seconds into
   * it, and the `count` arrivals it held are not in `counts`. Absent when nothing was cut.
   */
  droppedTail?: { coveredS: number; count: number };
}

/**
 * Keeps only whole steps: a trace that ends inside its last step would show that step as a
 * collapse (conv at 1 min ends at 37 against ~250 a minute), which a forecaster reads as real.
 * `coveredS` is how far into the last step the data reach; below one step (less 1 µs) that step
 * is cut and recorded in `droppedTail`. Never cuts the only step.
 */
export function wholeSteps(s: CountSeries, coveredS: number): CountSeries {
  const n = s.counts.length;
  if (n < 2 || !(coveredS < s.stepS - 1e-6)) return s;
  return { ...s, counts: s.counts.slice(0, n - 1), droppedTail: { coveredS: Math.max(0, coveredS), count: s.counts[n - 1] } };
}

/** One line saying what `wholeSteps` cut, or undefined. */
export function droppedTailNote(s: CountSeries): string | undefined {
  const d = s.droppedTail;
  if (!d) return undefined;
  const end = s.startS + s.counts.length * s.stepS;
  const at = s.absolute ? new Date(Math.round(end * 1000)).toISOString() : String(Number(end.toFixed(6)));
  return `the trace ends ${Number(d.coveredS.toFixed(3))} s into its last ${s.stepS}-s step (from ${at}); that partial step (${Number(d.count.toFixed(6))} arrivals) is left out, so it is not read as a collapse`;
}

/**
 * Resamples a trace to counts per step: per-request events are binned (irregular timestamps
 * are fine), interval rates are integrated over each step (gaps were zeros already). Steps
 * start at the trace's first time.
 */
export function toCounts(trace: TraceData, stepS: number): CountSeries {
  const n = Math.max(1, Math.ceil(trace.spanS / stepS - 1e-9));
  const counts = new Float64Array(n);
  if (trace.kind === 'requests') {
    for (const t of trace.timesS) {
      const i = Math.min(n - 1, Math.floor(t / stepS));
      counts[i]++;
    }
  } else {
    const { stepS: cs, ratesPerS } = trace.curve;
    for (let j = 0; j < ratesPerS.length; j++) {
      // spread interval j's arrivals over the steps it overlaps
      const a = j * cs;
      const b = a + cs;
      for (let i = Math.floor(a / stepS); i < n && i * stepS < b; i++) {
        const lo = Math.max(a, i * stepS);
        const hi = Math.min(b, (i + 1) * stepS);
        counts[i] += ratesPerS[j] * (hi - lo);
      }
    }
  }
  return { startS: trace.t0S, absolute: trace.absolute, stepS, counts };
}

/**
 * The Azure Functions 2019 per-minute layout (`HashOwner,HashApp,HashFunction,Trigger,1..1440`):
 * one row per function and day, invocations per minute; summed over rows into one day of
 * 1-minute counts.
 */
export function azureFunctionsCounts(text: string, file: string): CountSeries {
  const rows = parse(text, { skip_empty_lines: true, trim: true }) as string[][];
  const header = rows[0] ?? [];
  if (header.slice(0, 4).join(',') !== 'HashOwner,HashApp,HashFunction,Trigger' || header.length < 5) {
    throw new UserError(`${file}:1: expected the Azure Functions layout HashOwner,HashApp,HashFunction,Trigger,1..1440`);
  }
  const minutes = header.length - 4;
  const counts = new Float64Array(minutes);
  for (let r = 1; r < rows.length; r++) {
    for (let m = 0; m < minutes; m++) {
      const cell = rows[r][4 + m];
      const v = Number(cell);
      if (cell === undefined || cell === '' || !Number.isFinite(v) || v < 0) throw new UserError(`${file}:${r + 1}: column "${header[4 + m]}": expected a non-negative count, got ${JSON.stringify(cell ?? '')}`);
      counts[m] += v;
    }
  }
  return { startS: 0, absolute: false, stepS: 60, counts };
}

/** The series as the project's interval CSV: `time,count` (ISO-8601 UTC times when absolute). */
export function countsCsv(s: CountSeries): string {
  const lines = ['time,count'];
  for (let i = 0; i < s.counts.length; i++) {
    const t = s.startS + i * s.stepS;
    lines.push(`${s.absolute ? new Date(Math.round(t * 1000)).toISOString() : Number(t.toFixed(6))},${Number(s.counts[i].toFixed(6))}`);
  }
  return lines.join('\n') + '\n';
}

/** Autocorrelation of a series at a lag. */
export function autocorrelation(y: Float64Array, lag: number): number {
  const n = y.length;
  if (lag >= n) return NaN;
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - mean;
    den += d * d;
    if (i + lag < n) num += d * (y[i + lag] - mean);
  }
  return den > 0 ? num / den : NaN;
}
