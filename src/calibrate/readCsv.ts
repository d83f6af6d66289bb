import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import { readProblem } from '../config/yamlConfig.js';
import { promValue } from '../scaler/promApi.js';
import { parseTimeCell } from '../workload/trace.js';
import { bucketsFromCumulative } from './fitBuckets.js';
import { COUNTER_KEYS, EXPECTED, GAUGE_KEYS, HISTOGRAM_KEYS, type InputKey, type InputSpec } from './config.js';
import { increments, type ObservedWindow } from './observed.js';

const LE = /^(.*)\{le="([^"]+)"\}$/;

/**
 * Reads a window from a CSV export (one row per step boundary, the first column the time as a
 * UTC date-time or epoch seconds; a column per counter or gauge, as cumulative or current values;
 * a column per histogram bucket named `<column>{le="…"}`, cumulative), the layout of a Grafana
 * "series joined by time" export of the same queries. Columns default to the inputs' keys
 * (`claims`, `warmStarts`, …; `startLatency{le="100"}`, …); a config's `csv:` renames them.
 * Errors are one line naming the file, line or column, and what was expected.
 */
export function readCsv(file: string, inputs: Partial<Record<InputKey, InputSpec>>): ObservedWindow {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--csv ${file}: cannot read (${readProblem(e)})`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new UserError(`${file}: not a CSV file (${(e as Error).message.split('\n')[0]})`);
  }
  if (rows.length < 3) throw new UserError(`${file}: expected a header and at least 2 rows (the window's step boundaries), got ${Math.max(0, rows.length - 1)} rows`);
  const header = rows[0];
  const times = rows.slice(1).map((r, i) => {
    const t = parseTimeCell(r[0]);
    if (!Number.isFinite(t)) throw new UserError(`${file}:${i + 2}: column "${header[0]}": expected a UTC date-time or epoch seconds, got "${r[0]}"`);
    return t;
  });
  const stepS = times[1] - times[0];
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i] - times[i - 1] - stepS) > 1e-3) throw new UserError(`${file}:${i + 2}: rows must be evenly spaced (${stepS} s, from the first two), got ${times[i] - times[i - 1]} s`);
  }
  if (!(stepS > 0)) throw new UserError(`${file}:3: times must increase`);
  const n = times.length - 1;
  const col = (name: string, what: string): Float64Array | null => {
    const j = header.indexOf(name);
    if (j < 0) return null;
    const out = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) {
      const cell = rows[i + 1][j];
      const v = promValue(cell);
      if (!Number.isFinite(v) || v < 0) throw new UserError(`${file}:${i + 2}: column "${name}": expected ${what} (a non-negative number), got "${cell}"`);
      out[i] = v;
    }
    return out;
  };
  const w: ObservedWindow = { startS: times[0], stepS, n, counters: {}, gauges: {}, histograms: {}, source: file };
  for (const key of COUNTER_KEYS) {
    const spec = inputs[key];
    if (!spec) continue;
    const c = col(spec.csv ?? key, EXPECTED[key]);
    if (c) w.counters[key] = increments(c);
  }
  for (const key of GAUGE_KEYS) {
    const spec = inputs[key];
    if (!spec) continue;
    const c = col(spec.csv ?? key, EXPECTED[key]);
    if (c) w.gauges[key] = c.slice(1);
  }
  for (const key of HISTOGRAM_KEYS) {
    const spec = inputs[key];
    if (!spec) continue;
    const prefix = spec.csv ?? key;
    const les: { le: number; j: number; text: string }[] = [];
    header.forEach((h, j) => {
      const m = LE.exec(h);
      if (m && m[1] === prefix) les.push({ le: promValue(m[2]), j, text: m[2] });
    });
    if (les.length === 0) continue;
    les.sort((a, b) => a.le - b.le);
    if (les.some((x) => Number.isNaN(x.le))) throw new UserError(`${file}: column ${prefix}{le="${les.find((x) => Number.isNaN(x.le))!.text}"}: le is not a number`);
    if (les[les.length - 1].le !== Infinity) throw new UserError(`${file}: no column ${prefix}{le="+Inf"}; expected ${EXPECTED[key]}`);
    const scale = spec.unit === 'ms' ? 0.001 : 1;
    const cum = les.map(({ j, text }) => {
      const c = col(header[j], `a cumulative bucket count (le=${text})`)!;
      return c[n] >= c[0] ? c[n] - c[0] : c[n];
    });
    for (let i = 1; i < cum.length; i++) if (cum[i] < cum[i - 1] - 1e-9) throw new UserError(`${file}: ${prefix} buckets fall from le=${les[i - 1].text} to le=${les[i].text}; expected ${EXPECTED[key]} (cumulative)`);
    w.histograms[key] = bucketsFromCumulative(les.slice(0, -1).map((x) => x.le * scale), cum);
  }
  return w;
}
