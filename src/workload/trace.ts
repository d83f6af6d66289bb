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
 * `count` (requests in the interval) or `rate` (per second) column; the step is the smallest gap
 * between rows, and missing intervals count as zero. `auto` picks intervals when a count
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

/** A growable column of numbers (a trace's rows are not held as strings: 5M rows took 1.5 GB so). */
class Column {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const next = new Float64Array(this.a.length * 2);
      next.set(this.a);
      this.a = next;
    }
    this.a[this.n++] = v;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

/**
 * Parses trace CSV text (see `readTrace`). Each record is read as it is parsed and only the
 * columns in use are kept, as numbers, so a trace costs 8 bytes a row per column in use (its rows as
 * strings cost ~300). Errors name the file, the line (the data row's index + 2) and the column.
 */
export function parseTrace(spec: TraceSpec, { file, text }: { file: string; text: string }): TraceData {
  let header: string[] | null = null;
  let n = 0;
  let timeCol = 0;
  let valueCol = -1;
  let format: 'requests' | 'intervals' = 'requests';
  let what = '';
  /** The interval trace's column holds counts per interval (else rates per second). */
  let byCount = false;
  let firstTimeCell = '';
  let prev = -Infinity;
  // for `auto` reading per row: evenly spaced so far, and which other columns are numeric throughout
  let even = spec.format === 'auto';
  let firstGap = NaN;
  let numeric: boolean[] = [];
  const times = new Column();
  const values = new Column();
  const onRecord = (row: string[]): void => {
    if (header === null) {
      header = row;
      const col = (name: string | undefined, role: string, fallback?: number): number => {
        if (name === undefined) return fallback === undefined ? -1 : fallback;
        const i = row.findIndex((h) => h === name || h.toLowerCase() === name.toLowerCase());
        if (i < 0) throw new UserError(`${file}:1: no ${role} column "${name}"; the columns are ${row.join(', ')}`);
        return i;
      };
      timeCol = col(spec.timeColumn, 'time', 0);
      const countName = spec.countColumn ?? (spec.rateColumn ? undefined : row.find((h) => h.toLowerCase() === 'count'));
      const rateName = spec.rateColumn ?? (countName ? undefined : row.find((h) => h.toLowerCase() === 'rate'));
      format = spec.format === 'auto' ? (countName || rateName ? 'intervals' : 'requests') : spec.format;
      even &&= format === 'requests';
      numeric = row.map((_, c) => c !== timeCol);
      if (format === 'requests') {
        valueCol = col(spec.durationColumn, 'duration');
        what = 'a non-negative duration';
      } else {
        valueCol = countName ? col(countName, 'count') : rateName ? col(rateName, 'rate') : -1;
        if (valueCol < 0) throw new UserError(`${file}:1: an interval trace needs a "count" or "rate" column; the columns are ${row.join(', ')}`);
        byCount = !!countName;
        what = byCount ? 'a non-negative count' : 'a non-negative rate';
      }
      return;
    }
    const line = n + 2;
    if (row.length !== header.length) throw new UserError(`${file}:${line}: malformed CSV: expected ${header.length} columns as in the header, got ${row.length}`);
    const cell = row[timeCol];
    const t = parseTimeCell(cell);
    if (!Number.isFinite(t)) throw new UserError(`${file}:${line}: column "${header[timeCol]}": expected a time (seconds or a date-time such as 2023-11-16 18:15:46.68), got ${JSON.stringify(cell)}`);
    if (t < prev) throw new UserError(`${file}:${line}: column "${header[timeCol]}": times must not go back (${cell} is before the row above)`);
    if (n === 0) firstTimeCell = cell;
    if (even && n >= 1) {
      const gap = t - prev;
      if (n === 1) firstGap = gap;
      else if (!(firstGap > 0) || Math.abs(gap - firstGap) > 1e-9 * Math.max(1, firstGap)) even = false;
    }
    if (even) for (let c = 0; c < row.length; c++) if (numeric[c] && (row[c] === '' || !Number.isFinite(Number(row[c])))) numeric[c] = false;
    prev = t;
    times.push(t);
    if (valueCol >= 0) {
      const v = row[valueCol];
      const x = Number(v);
      if (v === '' || !Number.isFinite(x) || x < 0) throw new UserError(`${file}:${line}: column "${header[valueCol]}": expected ${what}, got ${JSON.stringify(v)}`);
      values.push(x);
    }
    n++;
  };
  try {
    eachRow(text, onRecord);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as { message: string; lines?: number };
    throw new UserError(`${file}${err.lines ? `:${err.lines}` : ''}: malformed CSV: ${err.message.split('\n')[0]}`);
  }
  if (header === null || n === 0) throw new UserError(`${file}: expected a header row and at least one data row, got ${header === null ? 0 : 1} row${header === null ? 's' : ''}`);
  const head: string[] = header;
  const ts = times.done();
  const t0 = ts[0];
  const absolute = !Number.isFinite(Number(firstTimeCell));
  for (let r = 0; r < n; r++) ts[r] -= t0;

  // `auto` reading per row an evenly spaced file with a numeric column: a misnamed count column
  if (even && n >= 3 && firstGap > 0) refuseUnnamedIntervals(file, head, head.filter((_, c) => numeric[c]), firstGap);

  if (format === 'requests') {
    let durations: Float64Array | null = null;
    if (valueCol >= 0) {
      durations = values.done();
      for (let r = 0; r < n; r++) durations[r] *= spec.durationScale;
    }
    const meanGap = n > 1 ? ts[n - 1] / (n - 1) : 1;
    return { kind: 'requests', file, timesS: ts, durationsS: durations, spanS: ts[n - 1] + meanGap, t0S: t0, absolute };
  }

  const counts = values.done();
  if (n < 2) throw new UserError(`${file}: an interval trace needs at least two rows to know its step`);
  // the smallest gap between rows: a first row or two missing (a scrape that started late) must not double the step
  let step = Infinity;
  for (let r = 1; r < n; r++) {
    const d = ts[r] - ts[r - 1];
    if (d > 0 && d < step) step = d;
  }
  if (!(step < Infinity)) throw new UserError(`${file}:3: interval rows must have increasing times`);
  const slots = Math.round(ts[n - 1] / step) + 1;
  if (!(slots <= MAX_TRACE_STEPS)) throw new UserError(`${file}:${n + 1}: the rows span ${slots.toExponential(1)} intervals of ${step} s (the step of the first two rows); expected at most ${MAX_TRACE_STEPS.toLocaleString('en-US')}: check the time column`);
  const rates = new Float64Array(slots);
  for (let r = 0; r < n; r++) {
    const k = ts[r] / step;
    const i = Math.round(k);
    if (Math.abs(k - i) > 1e-6 * Math.max(1, k)) throw new UserError(`${file}:${r + 2}: interval rows must be a whole number of steps (${step} s) apart`);
    rates[i] += byCount ? counts[r] / step : counts[r];
    if (!(rates[i] <= LIMITS.ratePerS)) {
      throw new UserError(`${file}:${r + 2}: column "${head[valueCol]}": ${cellAt(text, r, valueCol)}${byCount ? ` in a ${step} s interval` : ''} is ${rates[i].toExponential(2)} arrivals/s; expected at most ${LIMITS.ratePerS.toLocaleString('en-US')}/s`);
    }
  }
  return { kind: 'intervals', file, curve: { stepS: step, ratesPerS: rates }, spanS: slots * step, t0S: t0, absolute };
}

/** Characters of a trace parsed at once: its rows as strings cost ~40× the text, so they are parsed and dropped a slice at a time. */
const SLICE_CHARS = 1 << 22;

/**
 * Calls `fn` with each record of the CSV text, header first, in order. A large text is parsed a
 * slice of whole lines at a time (csv-parse's own per-record callback builds an info object per
 * record: half the time on a 5M-row trace); a text with quotes, whose fields may hold line
 * breaks, is parsed whole.
 */
function eachRow(text: string, fn: (row: string[]) => void): void {
  const opts = { skip_empty_lines: true, trim: true, relax_column_count: true, delimiter: delimiterOf(text) };
  if (text.length <= SLICE_CHARS || text.includes('"')) {
    for (const row of parse(text, opts) as string[][]) fn(row);
    return;
  }
  for (let from = 0; from < text.length; ) {
    const nl = from + SLICE_CHARS >= text.length ? -1 : text.indexOf('\n', from + SLICE_CHARS);
    const to = nl < 0 ? text.length : nl + 1;
    for (const row of parse(text.slice(from, to), opts) as string[][]) fn(row);
    from = to;
  }
}

/** Data row `r`'s cell in column `c` as written (for an error found after parsing: the rows are not kept). */
function cellAt(text: string, r: number, c: number): string {
  let cell = '';
  let i = -1;
  eachRow(text, (row) => {
    if (i++ === r) cell = row[c];
  });
  return cell;
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
function refuseUnnamedIntervals(file: string, header: string[], numeric: string[], step: number): void {
  if (numeric.length === 0) return;
  throw new UserError(
    `${file}:1: looks like a per-interval trace (a row every ${step} s, numeric column${numeric.length > 1 ? 's' : ''} ${numeric.join(', ')}) but has no "count" or "rate" column; the columns are ${header.join(', ')}: name the count column (countColumn in a scenario's trace, --count-column on the command line), or read one request per row with format: requests (--trace-format requests)`,
  );
}
