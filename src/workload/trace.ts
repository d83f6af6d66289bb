import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import { readProblem } from '../config/yamlConfig.js';
import type { TraceSpec } from '../scenario/schema.js';
import { resolveTracePath } from '../scenario/tracePath.js';
import type { RateCurve } from './tidal.js';
import { LIMITS } from '../scenario/leaves.js';

/** Most intervals an interval trace may span (ten years of 1-minute steps is 5.3M). */
const MAX_TRACE_STEPS = 10_000_000;

/** A trace read from CSV, times in seconds from its first row. */
export type TraceData = (
  | { kind: 'requests'; file: string; timesS: Float64Array; durationsS: Float64Array | null; spanS: number }
  | { kind: 'intervals'; file: string; curve: RateCurve; spanS: number }
) & {
  /** The first row's time as written: seconds since the epoch for date-times, else the number itself. */
  t0S: number;
  /** True when the time column held date-times (so t0S is an absolute UTC time). */
  absolute: boolean;
};

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A time cell in seconds: a number (seconds), or an ISO-8601-like date-time
 * (`2023-11-16 18:15:46.6805900`, read as UTC unless it carries a zone). NaN when neither.
 */
export function parseTimeCell(cell: string): number {
  const s = cell.trim();
  if (s === '') return NaN;
  const n = Number(s);
  if (Number.isFinite(n)) return n;
  const m = DATETIME.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, sec ? +sec : 0);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const z = zone.slice(1).replace(':', '');
    ms -= sign * (+z.slice(0, 2) * 60 + +z.slice(2, 4)) * 60000;
  }
  return ms / 1000 + (frac ? Number(frac) : 0);
}


/**
 * Reads a trace CSV with a header row. `requests` format: one row per request, a time column
 * and optionally a duration column. `intervals` format: one row per interval start with a
 * `count` (requests in the interval) or `rate` (per second) column; the step is the gap between
 * the first two rows, and missing intervals count as zero. `auto` picks intervals when a count
 * or rate column exists. Errors name the file, line and column.
 */
export function readTrace(spec: TraceSpec, scenarioFile?: string, keyPath = 'workload.arrivals.trace'): TraceData {
  return parseTrace(spec, readText(spec, scenarioFile, keyPath));
}

/** Default trace options, for tools that read a trace file without a scenario. */
export function traceSpec(path: string, over: Partial<TraceSpec> = {}): TraceSpec {
  return { path, scale: 1, format: 'auto', durationScale: 1, loop: false, jitter: 1, ...over };
}

function readText(spec: TraceSpec, scenarioFile: string | undefined, keyPath: string): { file: string; text: string } {
  const file = resolveTracePath(spec.path, scenarioFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${keyPath}.path: cannot read trace file ${spec.path} (${readProblem(e)})`);
  }
  return { file, text };
}

/** Parses trace CSV text (see `readTrace`). */
export function parseTrace(spec: TraceSpec, { file, text }: { file: string; text: string }): TraceData {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false, delimiter: delimiterOf(text) }) as string[][];
  } catch (e) {
    const err = e as { message: string; lines?: number };
    throw new UserError(`${file}${err.lines ? `:${err.lines}` : ''}: malformed CSV: ${err.message.split('\n')[0]}`);
  }
  if (rows.length < 2) throw new UserError(`${file}: expected a header row and at least one data row, got ${rows.length} row${rows.length === 1 ? '' : 's'}`);
  const header = rows[0];
  const col = (name: string | undefined, role: string, fallback?: number): number => {
    if (name === undefined) {
      if (fallback === undefined) return -1;
      return fallback;
    }
    const i = header.findIndex((h) => h === name || h.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new UserError(`${file}:1: no ${role} column "${name}"; the columns are ${header.join(', ')}`);
    return i;
  };
  const timeCol = col(spec.timeColumn, 'time', 0);
  const countName = spec.countColumn ?? (spec.rateColumn ? undefined : header.find((h) => h.toLowerCase() === 'count'));
  const rateName = spec.rateColumn ?? (countName ? undefined : header.find((h) => h.toLowerCase() === 'rate'));
  const format = spec.format === 'auto' ? (countName || rateName ? 'intervals' : 'requests') : spec.format;

  const n = rows.length - 1;
  const times = new Float64Array(n);
  let prev = -Infinity;
  for (let r = 0; r < n; r++) {
    const cell = rows[r + 1][timeCol];
    const t = parseTimeCell(cell);
    if (!Number.isFinite(t)) throw new UserError(`${file}:${r + 2}: column "${header[timeCol]}": expected a time (seconds or a date-time such as 2023-11-16 18:15:46.68), got ${JSON.stringify(cell)}`);
    if (t < prev) throw new UserError(`${file}:${r + 2}: column "${header[timeCol]}": times must not go back (${cell} is before the row above)`);
    times[r] = t;
    prev = t;
  }
  const t0 = times[0];
  const absolute = !Number.isFinite(Number(rows[1][timeCol]));
  for (let r = 0; r < n; r++) times[r] -= t0;

  const numberColumn = (c: number, what: string, min: number): Float64Array => {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const cell = rows[r + 1][c];
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v) || v < min) throw new UserError(`${file}:${r + 2}: column "${header[c]}": expected ${what}, got ${JSON.stringify(cell)}`);
      out[r] = v;
    }
    return out;
  };

  if (spec.format === 'auto' && format === 'requests') refuseUnnamedIntervals(file, header, rows, times, timeCol);

  if (format === 'requests') {
    const dc = col(spec.durationColumn, 'duration');
    let durations: Float64Array | null = null;
    if (dc >= 0) {
      durations = numberColumn(dc, 'a non-negative duration', 0);
      for (let r = 0; r < n; r++) durations[r] *= spec.durationScale;
    }
    const meanGap = n > 1 ? times[n - 1] / (n - 1) : 1;
    return { kind: 'requests', file, timesS: times, durationsS: durations, spanS: times[n - 1] + meanGap, t0S: t0, absolute };
  }

  const cc = countName ? col(countName, 'count') : rateName ? col(rateName, 'rate') : -1;
  if (cc < 0) throw new UserError(`${file}:1: an interval trace needs a "count" or "rate" column; the columns are ${header.join(', ')}`);
  const values = numberColumn(cc, countName ? 'a non-negative count' : 'a non-negative rate', 0);
  if (n < 2) throw new UserError(`${file}: an interval trace needs at least two rows to know its step`);
  // the smallest gap between rows: a first row or two missing (a scrape that started late) must not double the step
  let step = Infinity;
  for (let r = 1; r < n; r++) {
    const d = times[r] - times[r - 1];
    if (d > 0 && d < step) step = d;
  }
  if (!(step < Infinity)) throw new UserError(`${file}:3: interval rows must have increasing times`);
  const slots = Math.round(times[n - 1] / step) + 1;
  if (!(slots <= MAX_TRACE_STEPS)) throw new UserError(`${file}:${n + 1}: the rows span ${slots.toExponential(1)} intervals of ${step} s (the step of the first two rows); expected at most ${MAX_TRACE_STEPS.toLocaleString('en-US')}: check the time column`);
  const rates = new Float64Array(slots);
  for (let r = 0; r < n; r++) {
    const k = times[r] / step;
    const i = Math.round(k);
    if (Math.abs(k - i) > 1e-6 * Math.max(1, k)) throw new UserError(`${file}:${r + 2}: interval rows must be a whole number of steps (${step} s) apart`);
    rates[i] += countName ? values[r] / step : values[r];
    if (!(rates[i] <= LIMITS.ratePerS)) {
      throw new UserError(`${file}:${r + 2}: column "${header[cc]}": ${rows[r + 1][cc]}${countName ? ` in a ${step} s interval` : ''} is ${rates[i].toExponential(2)} arrivals/s; expected at most ${LIMITS.ratePerS.toLocaleString('en-US')}/s`);
    }
  }
  return { kind: 'intervals', file, curve: { stepS: step, ratesPerS: rates }, spanS: slots * step, t0S: t0, absolute };
}

/**
 * The header's delimiter: a comma, or a semicolon or tab where the header has no comma (a
 * spreadsheet's export in a locale with decimal commas, a TSV).
 */
function delimiterOf(text: string): string {
  const nl = text.indexOf('\n');
  const header = nl < 0 ? text : text.slice(0, nl);
  if (header.includes(',')) return ',';
  return header.includes(';') ? ';' : header.includes('\t') ? '\t' : ',';
}

/**
 * `auto` reads a file without a count or rate column as one request per row. A file whose rows
 * are evenly spaced and carry another numeric column is a per-interval trace with its count
 * column misnamed (read per row, 8,819 requests in 344 rows would become 344): an error naming
 * the columns found, unless the format (`requests`) or the column is given.
 */
function refuseUnnamedIntervals(file: string, header: string[], rows: string[][], times: Float64Array, timeCol: number): void {
  const n = times.length;
  if (n < 3) return;
  const step = times[1] - times[0];
  if (!(step > 0)) return;
  for (let r = 2; r < n; r++) if (Math.abs(times[r] - times[r - 1] - step) > 1e-9 * Math.max(1, step)) return;
  const numeric = header.filter((_, c) => c !== timeCol && rows.slice(1).every((row) => row[c] !== '' && Number.isFinite(Number(row[c]))));
  if (numeric.length === 0) return;
  throw new UserError(
    `${file}:1: looks like a per-interval trace (a row every ${step} s, numeric column${numeric.length > 1 ? 's' : ''} ${numeric.join(', ')}) but has no "count" or "rate" column; the columns are ${header.join(', ')}: name the count column (countColumn in a scenario's trace, --count-column on the command line), or read one request per row with format: requests (--trace-format requests)`,
  );
}
