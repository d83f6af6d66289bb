import { join } from 'node:path';
import { UserError } from '../errors.js';
import { compareWindows, DEFAULT_TOLERANCES, replicationWindow, type Tolerances, type ValidateRow } from '../calibrate/compare.js';
import type { ObservedWindow } from '../calibrate/observed.js';
import { validateChart } from '../calibrate/validateChart.js';
import { reportHtml } from '../report/html.js';
import { renderSvg } from '../report/svg.js';
import { textTable } from '../report/textTable.js';
import { simulateFile } from '../sim/simulate.js';
import { readWindow } from './calibrate.js';
import { simSets, workersFlag, type SimFlags } from './options.js';
import { writeOutputs } from './run.js';

/** Options as commander hands them over. */
export interface ValidateFlags extends SimFlags {
  observed?: string;
  start?: string;
  end?: string;
  step?: string;
  config?: string;
  bearerTokenFile?: string;
  toleranceLatency?: string;
  toleranceRate?: string;
  toleranceLevel?: string;
  out?: string;
  format?: string;
}

/** "10%" or "0.1" as a fraction; "2 points" style for rates: "2" means 2 points (0.02) when `points`. */
function tolFlag(name: string, v: string | undefined, dflt: number, points = false): number {
  if (v === undefined) return dflt;
  const pct = v.trim().endsWith('%');
  const x = Number(pct ? v.trim().slice(0, -1) : v);
  if (!Number.isFinite(x) || x < 0) throw new UserError(`${name}: expected a non-negative ${points ? 'number of percentage points such as 2' : 'percentage such as 10%'}, got "${v}"`);
  return pct || points ? x / 100 : x;
}

const fmt = (key: string, v: number) => (!Number.isFinite(v) ? '—' : /Rate$/.test(key) ? `${(100 * v).toFixed(2)}%` : /^startLatency/.test(key) ? `${v.toPrecision(4)} s` : v.toPrecision(4));
const fmtDiff = (key: string, v: number) => (!Number.isFinite(v) ? '—' : /Rate$/.test(key) ? `${v >= 0 ? '+' : ''}${(100 * v).toFixed(2)} pt` : `${v >= 0 ? '+' : ''}${v.toPrecision(3)}`);

/** The verdict table as text. */
export function validateTable(rows: readonly ValidateRow[]): string {
  const head = ['metric', 'observed', 'simulated', '95% interval', 'difference', 'allowed', 'verdict'];
  const body = rows.map((r) => [
    r.key,
    fmt(r.key, r.observed),
    fmt(r.key, r.simulated),
    r.interval ? `${fmt(r.key, r.interval[0])} … ${fmt(r.key, r.interval[1])}` : '—',
    fmtDiff(r.key, r.diff),
    /Rate$/.test(r.key) ? `±${(100 * r.allowed).toFixed(2)} pt` : `±${r.allowed.toPrecision(3)}`,
    r.verdict.toUpperCase(),
  ]);
  return textTable(head, body).join('\n');
}

/**
 * `tidecast validate`: runs the scenario over the observed window (its duration and output
 * interval set to the window's) with the exported histograms, and judges each metric; exit 0
 * when every observed metric is within tolerance, 1 when one is not, 2 on bad input.
 */
export async function validateAction(file: string, f: ValidateFlags, progress?: (d: number, n: number) => void): Promise<{ stdout: string; notes: string[]; exitCode: number }> {
  const tol: Tolerances = {
    latency: tolFlag('--tolerance-latency', f.toleranceLatency, DEFAULT_TOLERANCES.latency),
    rate: tolFlag('--tolerance-rate', f.toleranceRate, DEFAULT_TOLERANCES.rate, true),
    level: tolFlag('--tolerance-level', f.toleranceLevel, DEFAULT_TOLERANCES.level),
  };
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  if (!f.observed) throw new UserError('validate: --observed is required: a CSV export, or a Prometheus URL with --start and --end');
  const isUrl = /^https?:\/\//.test(f.observed);
  const observed: ObservedWindow = await readWindow({ ...f, set: [], prometheus: isUrl ? f.observed : undefined, csv: isUrl ? undefined : f.observed }, 'validate');
  if (!observed.histograms.startLatency) throw new UserError('validate: startLatency: no histogram in the observed window; expected histogram buckets (by le) of claim-to-ready latency');
  const sets = [`duration=${observed.n * observed.stepS}s`, `output.interval=${observed.stepS}s`, ...simSets(f)];
  const sim = await simulateFile(file, sets, { workers: workersFlag(f), onProgress: progress, exportHistograms: true });
  const windows = sim.results.map((r) => replicationWindow(r, observed.startS, observed.stepS));
  const rows = compareWindows(observed, windows, tol);
  const failed = rows.filter((r) => r.verdict === 'fail').length;
  const notes = [...sim.notes];
  const na = rows.filter((r) => r.verdict === 'n/a').map((r) => r.key);
  if (na.length) notes.push(`not judged (the observed window lacks them): ${na.join(', ')}`);
  const summary = `${rows.length - failed - na.length} of ${rows.length - na.length} metrics within tolerance (${sim.results.length} replication${sim.results.length === 1 ? '' : 's'} over ${observed.n} steps of ${observed.stepS} s from ${observed.source})`;
  if (f.out) {
    const spec = validateChart(observed, windows);
    const svg = await renderSvg(spec);
    const html = reportHtml({
      title: `tidecast validate — ${sim.scenario.name}`,
      subtitle: summary,
      tableHtml: `<pre>${validateTable(rows).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`,
      charts: [{ id: 'observedVsSimulated', spec, svg }],
      appendix: [],
    });
    writeOutputs(f.out, { 'validate.html': html, 'validate.json': JSON.stringify({ scenario: sim.scenario.name, tolerances: tol, rows }, null, 2) + '\n', 'observed-vs-simulated.svg': svg });
    notes.push(`wrote ${join(f.out, 'validate.html')}, validate.json and observed-vs-simulated.svg`);
  }
  const stdout = format === 'json' ? JSON.stringify({ scenario: sim.scenario.name, tolerances: tol, rows, pass: failed === 0 }, null, 2) + '\n' : `${validateTable(rows)}\n${failed === 0 ? 'PASS' : 'FAIL'}: ${summary}\n`;
  return { stdout, notes, exitCode: failed === 0 ? 0 : 1 };
}
