import { parse } from 'csv-parse/sync';
import type { BudgetResult } from '../check/budgets.js';
import { get, type Summary } from '../sim/summary.js';
import { UserError } from '../errors.js';

/** The metrics a sweep records per point. */
export const SWEEP_METRICS = ['warmHitRate', 'overflowRate', 'rejectRate', 'startLatency.mean', 'startLatency.p99', 'concurrency.mean', 'pool.ready.mean', 'cost.total', 'cost.reserved', 'cost.serverless', 'cost.perSession'];

/** One finished point. */
export interface SweepRow {
  index: number;
  values: Record<string, string>;
  metrics: Record<string, number>;
  /** "pass" when every budget passed, "fail" when one failed, else "inconclusive" (or "none"). */
  budgets: string;
}

/** A point's row from its summary and budget verdicts. */
export function sweepRow(index: number, values: Record<string, string>, s: Summary, verdicts: readonly BudgetResult[]): SweepRow {
  const budgets = verdicts.length === 0 ? 'none' : verdicts.some((v) => v.verdict === 'fail') ? 'fail' : verdicts.every((v) => v.verdict === 'pass') ? 'pass' : 'inconclusive';
  return { index, values, metrics: Object.fromEntries(SWEEP_METRICS.map((m) => [m, get(s, m)])), budgets };
}

function cell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The CSV header for these keys. */
export function sweepHeader(keys: readonly string[]): string {
  return ['index', ...keys, ...SWEEP_METRICS, 'budgets'].map(cell).join(',');
}

/** One CSV line (no newline). */
export function sweepLine(r: SweepRow, keys: readonly string[]): string {
  const num = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(10))) : '');
  return [String(r.index), ...keys.map((k) => r.values[k] ?? ''), ...SWEEP_METRICS.map((m) => num(r.metrics[m])), r.budgets].map(cell).join(',');
}

/**
 * Reads sweep rows back (for resuming and merging); malformed trailing lines (a crash mid-write)
 * are dropped. A file that is not a sweep CSV (its header is not `index, <keys>, <metrics>,
 * budgets`) is a `UserError` naming `file` and the columns found.
 */
export function readSweep(text: string, file = 'the sweep CSV'): { keys: string[]; rows: SweepRow[] } {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new UserError(`${file}: not a sweep CSV (malformed CSV: ${(e as Error).message.split('\n')[0]})`);
  }
  if (records.length === 0) return { keys: [], rows: [] };
  const header = records[0];
  const tail = header.slice(header.length - SWEEP_METRICS.length - 1);
  if (header[0] !== 'index' || header.length < SWEEP_METRICS.length + 3 || tail.join(',') !== [...SWEEP_METRICS, 'budgets'].join(',')) {
    throw new UserError(`${file}:1: not a sweep CSV: expected the columns index, <varied keys>, ${SWEEP_METRICS.join(', ')}, budgets; got ${header.join(', ')}`);
  }
  const keys = header.slice(1, header.length - SWEEP_METRICS.length - 1);
  records.slice(1).forEach((rec, i) => {
    if (rec.length === header.length && !/^\d+$/.test(rec[0])) throw new UserError(`${file}:${i + 2}: column "index": expected a point number, got ${JSON.stringify(rec[0])}`);
  });
  const rows: SweepRow[] = [];
  for (const rec of records.slice(1)) {
    if (rec.length !== header.length) continue;
    rows.push({
      index: Number(rec[0]),
      values: Object.fromEntries(keys.map((k, i) => [k, rec[1 + i]])),
      metrics: Object.fromEntries(SWEEP_METRICS.map((m, i) => [m, rec[1 + keys.length + i] === '' ? NaN : Number(rec[1 + keys.length + i])])),
      budgets: rec[header.length - 1],
    });
  }
  return { keys, rows };
}
