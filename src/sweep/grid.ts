import { UserError } from '../errors.js';
import { Rng } from '../random/rng.js';

/** One varied key: its values (a list), or a numeric range to sample. */
export interface Axis {
  key: string;
  values: string[];
  /** For `lo..hi` or `lo..hi:step`: the bounds (sampling draws from them). */
  range?: { lo: number; hi: number; step?: number; unit: string };
}

/** A point of a sweep: its index in the full design and one value per varied key. */
export interface Point {
  index: number;
  values: Record<string, string>;
}

const RANGE = /^(-?\d+(?:\.\d+)?)([a-z/%]*)\.\.(-?\d+(?:\.\d+)?)([a-z/%]*)(?::(\d+(?:\.\d+)?)([a-z/%]*))?$/i;

/**
 * Parses `--vary key=a,b,c` (a list) or `--vary key=lo..hi:step` (a grid from lo to hi, units
 * allowed: `10s..60s:10s`, `0.5..2:0.25`); a range without a step can only be sampled.
 */
export function parseAxis(arg: string): Axis {
  const m = /^([^=]+)=(.+)$/.exec(arg);
  if (!m) throw new UserError(`--vary ${arg}: expected key.path=a,b,c or key.path=lo..hi:step`);
  const key = m[1].trim();
  const spec = m[2].trim();
  const r = RANGE.exec(spec);
  if (r) {
    const [, lo, u1, hi, u2, step, u3] = r;
    const unit = u1 || u2 || u3 || '';
    if ((u1 && u1 !== unit) || (u2 && u2 !== unit) || (u3 && u3 !== unit)) throw new UserError(`--vary ${arg}: use one unit for the bounds and the step`);
    const a = Number(lo);
    const b = Number(hi);
    if (!(b >= a)) throw new UserError(`--vary ${arg}: expected lo ≤ hi`);
    const range = { lo: a, hi: b, step: step ? Number(step) : undefined, unit };
    const values: string[] = [];
    if (range.step !== undefined) {
      if (!(range.step > 0)) throw new UserError(`--vary ${arg}: expected a positive step`);
      const n = Math.floor((b - a) / range.step + 1e-9);
      if (n > 100_000) throw new UserError(`--vary ${arg}: ${n + 1} values is too many for a grid; use --samples`);
      for (let i = 0; i <= n; i++) values.push(`${round(a + i * range.step)}${unit}`);
    }
    return { key, values, range };
  }
  const values = splitValues(spec, `--vary ${arg}`);
  if (values.length === 0) throw new UserError(`--vary ${arg}: expected at least one value`);
  return { key, values };
}

/**
 * Splits `--vary` values at the commas between them, not inside a YAML flow value: braces,
 * brackets and quotes nest, so `{ lognormal: { median: 2s, p99: 6s } },3s` is two values. Each
 * value stays text and is read as YAML where it is applied (as `--set` reads its value).
 */
export function splitValues(text: string, flag: string): string[] {
  const out: string[] = [];
  const open: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') open.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (open.pop() !== c) throw new UserError(`${flag}: unbalanced "${c}" at character ${i + 1}`);
    } else if (c === ',' && open.length === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote || open.length > 0) throw new UserError(`${flag}: ${quote ? `unclosed ${quote}` : `unclosed "${open[0] === '}' ? '{' : '['}"`}`);
  out.push(text.slice(start));
  return out.map((v) => v.trim()).filter((v) => v !== '');
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** The full grid: the Cartesian product of every axis's values, in a fixed order (first axis slowest). */
export function gridPoints(axes: readonly Axis[]): Point[] {
  for (const a of axes) if (a.values.length === 0) throw new UserError(`--vary ${a.key}: a range without a step can only be sampled (--samples N), or give :step`);
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > 1_000_000) throw new UserError(`the grid has ${total} points; narrow it or use --samples`);
  const points: Point[] = [];
  for (let i = 0; i < total; i++) {
    let r = i;
    const values: Record<string, string> = {};
    for (let k = axes.length - 1; k >= 0; k--) {
      const a = axes[k];
      values[a.key] = a.values[r % a.values.length];
      r = Math.floor(r / a.values.length);
    }
    points.push({ index: i, values: Object.fromEntries(axes.map((a) => [a.key, values[a.key]])) });
  }
  return points;
}

/**
 * `n` random points (seeded): ranges are drawn uniformly (integers when both bounds and any step
 * are whole), lists pick a value uniformly.
 */
export function samplePoints(axes: readonly Axis[], n: number, seed: number): Point[] {
  const rng = new Rng(seed ^ 0x5eed);
  return Array.from({ length: n }, (_, index) => ({
    index,
    values: Object.fromEntries(
      axes.map((a) => {
        if (a.range) {
          const { lo, hi, step, unit } = a.range;
          const whole = Number.isInteger(lo) && Number.isInteger(hi) && (step === undefined || Number.isInteger(step));
          const x = lo + (hi - lo) * rng.next();
          const v = step ? lo + Math.round((x - lo) / step) * step : whole ? Math.round(x) : x;
          return [a.key, `${round(v)}${unit}`];
        }
        return [a.key, a.values[Math.floor(rng.next() * a.values.length)]];
      }),
    ),
  }));
}

/** Parses `--shard i/n` (0 ≤ i < n). */
export function parseShard(v: string | undefined): { i: number; n: number } {
  if (v === undefined) return { i: 0, n: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m || !(Number(m[1]) < Number(m[2]))) throw new UserError(`--shard: expected i/n with 0 ≤ i < n (e.g. 0/4, or $JOB_COMPLETION_INDEX/4), got "${v}"`);
  return { i: Number(m[1]), n: Number(m[2]) };
}
