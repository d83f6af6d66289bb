import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { readProblem } from '../config/yamlConfig.js';
import { azureFunctionsCounts, toCounts, wholeSteps, type CountSeries } from '../forecast/series.js';
import { formatDuration, parseDuration } from '../scenario/units.js';
import { parseTimeCell, readTrace, traceSpec } from '../workload/trace.js';

/** A duration flag (`1h`, `90s`, `20`), positive, or a one-line error. */
export function durationFlag(flag: string, v: string): number {
  const d = parseDuration(v);
  if (typeof d === 'string' || !(d > 0)) throw new UserError(`${flag}: expected a positive duration such as 1m, 1h or 24h, got "${v}"`);
  return d;
}

/** Most steps a series tool (`trace import`, `inspect`, `synth`) makes: 57 days at 1 s, 9.5 years at 1 min. */
export const MAX_STEPS = 5_000_000;
/**
 * Most steps the forecaster fits on or forecasts (history or horizon): 10 weeks at 1 min. Its
 * fit is O(steps × season) per candidate model (2 weeks at 1 min: ~0.5 s, `auto` up to 10×).
 */
export const MAX_FORECAST_STEPS = 100_000;

/** Refuses a series of more than `max` steps with the step that would fit (one line). */
export function checkSteps(what: string, steps: number, stepS: number, max: number): void {
  if (!(steps <= max)) {
    const least = (steps * stepS) / max;
    throw new UserError(`--step ${formatDuration(stepS)}: ${what} makes ${Math.ceil(steps).toLocaleString('en-US')} steps; expected at most ${max.toLocaleString('en-US')} (a step of at least ${formatDuration(least)})`);
  }
}

/** Quantile levels such as `0.5,0.9,0.99`. */
export function quantilesFlag(v: string): number[] {
  const qs = v.split(',').map((x) => Number(x.trim()));
  if (qs.length === 0 || qs.some((q) => !(q > 0 && q < 1))) throw new UserError(`--quantiles: expected levels between 0 and 1 separated by commas, such as 0.5,0.9,0.99; got "${v}"`);
  return [...new Set(qs)].sort((a, b) => a - b);
}

/** `--time-column` and `--count-column` of the series commands (a trace's `timeColumn`/`countColumn` in a scenario). */
export interface TraceColumns {
  timeColumn?: string;
  countColumn?: string;
}

/**
 * Reads a trace file as counts per step: per-request events, interval counts or rates (the
 * project's `time,count`), or the Azure Functions 2019 per-minute layout. With `whole` (the
 * forecaster's loads) a last step the trace ends inside is cut and recorded in `droppedTail`
 * (say it with `droppedTailNote`); without it that step stays, partial, as the export shows it.
 */
export function loadCounts(file: string, stepS: number, format: 'auto' | 'requests' | 'intervals' | 'azure-functions' = 'auto', whole = false, columns: TraceColumns = {}): CountSeries {
  let head = '';
  try {
    head = readFileSync(file, 'utf8').slice(0, 200);
  } catch (e) {
    throw new UserError(`${file}: cannot read the trace (${readProblem(e)})`);
  }
  if (format === 'azure-functions' || (format === 'auto' && head.startsWith('HashOwner,HashApp,HashFunction,Trigger'))) {
    const s = azureFunctionsCounts(readFileSync(file, 'utf8'), file);
    if (stepS % 60 !== 0) throw new UserError(`--step: the Azure Functions layout counts per minute; expected a whole number of minutes, got ${stepS} s`);
    const f = stepS / 60;
    const counts = new Float64Array(Math.ceil(s.counts.length / f));
    s.counts.forEach((c, i) => (counts[Math.floor(i / f)] += c));
    const out = { ...s, stepS, counts };
    return whole ? wholeSteps(out, (s.counts.length - (counts.length - 1) * f) * 60) : out;
  }
  const trace = readTrace(traceSpec(file, { format, ...(columns.timeColumn !== undefined ? { timeColumn: columns.timeColumn } : {}), ...(columns.countColumn !== undefined ? { countColumn: columns.countColumn } : {}) }), undefined, 'trace');
  checkSteps(`${file}'s ${formatDuration(trace.spanS)}`, trace.spanS / stepS, stepS, MAX_STEPS);
  const out = toCounts(trace, stepS);
  return whole ? wholeSteps(out, trace.spanS - (out.counts.length - 1) * stepS) : out;
}

/**
 * The index of `--at T` in a series: T is ISO-8601 (for traces with date-times) or seconds like
 * the trace's own time column. Only data before it is used.
 */
export function atIndex(s: CountSeries, at: string | undefined): number {
  if (at === undefined) return s.counts.length;
  const t = parseTimeCell(at);
  if (!Number.isFinite(t)) throw new UserError(`--at: expected an ISO-8601 time (2023-11-16T19:00:00Z) or seconds like the trace's time column, got "${at}"`);
  const i = Math.floor((t - s.startS) / s.stepS + 1e-9);
  if (i < 1 || i > s.counts.length) {
    const end = s.startS + s.counts.length * s.stepS;
    const show = (x: number) => (s.absolute ? new Date(x * 1000).toISOString() : String(x));
    const cut = s.droppedTail ? `; the partial step the trace ends in is left out` : '';
    throw new UserError(`--at ${at}: outside the trace (${show(s.startS)} … ${show(end)}), or before its first full step${cut}`);
  }
  return i;
}

/** The time at a step index, formatted like the trace (ISO when absolute). */
export function timeAt(s: CountSeries, i: number): string {
  const t = s.startS + i * s.stepS;
  return s.absolute ? new Date(Math.round(t * 1000)).toISOString() : String(Number(t.toFixed(6)));
}
