import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { judgeBudgets } from '../check/budgets.js';
import { UserError } from '../errors.js';
import { readProblem } from '../config/yamlConfig.js';
import { loadScenario } from '../scenario/load.js';
import { simulateFile } from '../sim/simulate.js';
import { runOnWorkers } from '../sim/workerPool.js';
import { usableCores } from '../engine/cores.js';
import { gridPoints, parseAxis, parseShard, samplePoints, type Point } from '../sweep/grid.js';
import { readSweep, sweepHeader, sweepLine, sweepRow, type SweepRow } from '../sweep/results.js';
import { blameVary, intFlag, simSets, type SimFlags } from './options.js';
import { writeOutputs } from './run.js';
import { textTable } from '../report/textTable.js';
import { guardOutDir, guardOutFile } from './outGuard.js';
import { metaFileOf, settingsDiff, sweepSettings, type SweepSettings } from '../sweep/settings.js';

/** Options of `tidecast sweep`. */
export interface SweepFlags extends SimFlags {
  vary?: string[];
  samples?: string;
  out?: string;
  shard?: string;
  force?: boolean;
}

/**
 * `tidecast sweep`: every point of a grid (or random samples) over scenario keys, in parallel
 * on worker threads, each point on the scenario's own seed (common random numbers). Rows are
 * appended to `sweep.csv` as they finish, so an interrupted sweep resumes where it stopped;
 * at the end the CSV is rewritten in point order and the Pareto front (cost vs p99 start
 * latency) drawn. `--shard i/n` runs every n-th point from i, for a Kubernetes Indexed Job.
 */
export async function sweepAction(file: string, f: SweepFlags, progress?: (done: number, total: number) => void): Promise<{ stdout: string; notes: string[]; rows: SweepRow[] }> {
  if (!f.vary || f.vary.length === 0) throw new UserError('sweep: give at least one --vary key=a,b,c or key=lo..hi:step');
  const axes = f.vary.map(parseAxis);
  const keys = axes.map((a) => a.key);
  const sets = simSets(f);
  const base = loadScenario(file, sets); // the scenario itself must be valid before any point runs
  const points: Point[] = f.samples ? samplePoints(axes, intFlag('--samples', f.samples, 1), base.seed) : gridPoints(axes);
  const shard = parseShard(f.shard);
  const mine = points.filter((p) => p.index % shard.n === shard.i);
  // every point's values must make a valid scenario: check them all before spending any time
  const flagOf = new Map(axes.map((a) => [a.key, `--vary ${a.key}=${a.range ? '…' : a.values.join(',')}`]));
  for (const p of mine) {
    const made = Object.entries(p.values).map(([k, v]) => ({ set: `${k}=${v}`, flag: flagOf.get(k)!, nth: axes.find((a) => a.key === k)!.values.indexOf(v) + 1 }));
    blameVary(() => loadScenario(file, [...sets, ...made.map((m) => m.set)]), made);
  }
  const dir = f.out ?? join('reports', `sweep-${base.name}`);
  const csvName = shard.n > 1 ? `sweep.shard-${shard.i}-of-${shard.n}.csv` : 'sweep.csv';
  const csv = join(dir, csvName);
  const header = sweepHeader(keys);
  const notes: string[] = [];
  const done = new Map<number, SweepRow>();
  const settings = sweepSettings(file, base, sets, keys);
  const metaName = metaFileOf(csvName);
  const meta = join(dir, metaName);
  // a folder that holds something other than this sweep is not ours to write into
  // (other shards of this very sweep may share it: their CSVs, and records with our fingerprint)
  const sibling = (name: string): boolean =>
    /^(pareto\.svg|report\.html|sweep(\.shard-\d+-of-\d+)?\.csv)$/.test(name) || (/^sweep(\.shard-\d+-of-\d+)?\.meta\.json$/.test(name) && readSettings(join(dir, name))?.fingerprint === settings.fingerprint);
  if (!existsSync(csv)) guardOutDir('--out', dir, f.force, sibling);
  if (existsSync(csv) && !f.force) {
    const prev = readSweep(readFileSync(csv, 'utf8'), csv);
    if (prev.keys.join(',') !== keys.join(',')) throw new UserError(`${csv}: holds a sweep over ${prev.keys.join(', ') || 'nothing'}, not ${keys.join(', ')}; choose another --out, or add --force to start afresh`);
    const was = readSettings(meta);
    if (prev.rows.length > 0) {
      if (!was) throw new UserError(`${csv}: holds ${prev.rows.length} rows with no record of the settings that made them (${metaName} is missing); resuming could mix settings: choose another --out, or add --force to start afresh`);
      const diff = settingsDiff(was, settings);
      if (diff.length > 0) throw new UserError(`${csv}: its rows were made with other settings (${diff.join('; ')}); resuming would mix them: choose another --out, or add --force to start afresh`);
    }
    for (const r of prev.rows) if (mine.some((p) => p.index === r.index && keys.every((k) => p.values[k] === r.values[k]))) done.set(r.index, r);
    if (done.size > 0) notes.push(`resuming: ${done.size} of ${mine.length} points already in ${csv}`);
    writeOutputs(dir, { [metaName]: JSON.stringify(settings, null, 2) + '\n' });
  } else writeOutputs(dir, { [csvName]: header + '\n', [metaName]: JSON.stringify(settings, null, 2) + '\n' });
  const todo = mine.filter((p) => !done.has(p.index));
  const workers = f.workers !== undefined ? intFlag('--workers', f.workers, 0) : usableCores();
  let finished = done.size;
  const record = (row: SweepRow) => {
    appendFileSync(csv, sweepLine(row, keys) + '\n');
    done.set(row.index, row);
    progress?.(++finished, mine.length);
  };
  if (workers <= 0) {
    for (const p of todo) {
      const sim = await simulateFile(file, [...sets, ...Object.entries(p.values).map(([k, v]) => `${k}=${v}`)], { workers: 0 });
      record(sweepRow(p.index, p.values, sim.summary, judgeBudgets(sim.scenario.name, sim.scenario.budgets, sim.summary)));
    }
  } else {
    const tasks = todo.map((p) => ({ file, sets, index: p.index, values: p.values }));
    await runOnWorkers<(typeof tasks)[number], SweepRow>(new URL('../sweep/pointWorker.js', import.meta.url), tasks, workers, (_, row) => record(row)).catch((e: Error & { user?: boolean }) => {
      throw e.user ? new UserError(e.message) : e;
    });
  }
  const rows = [...done.values()].sort((a, b) => a.index - b.index);
  const outputs: Record<string, string> = { [csvName]: [header, ...rows.map((r) => sweepLine(r, keys))].join('\n') + '\n' };
  if (shard.n === 1) Object.assign(outputs, await paretoOutputs(base.name, rows, keys));
  writeOutputs(dir, outputs);
  notes.push(`wrote ${csv}${shard.n === 1 ? `, ${join(dir, 'pareto.svg')} and ${join(dir, 'report.html')}` : ''}`);
  return { stdout: sweepTable(rows, keys), notes, rows };
}

/** The settings recorded beside a sweep CSV, or undefined when there is no record. */
function readSettings(metaFile: string): SweepSettings | undefined {
  if (!existsSync(metaFile)) return undefined;
  try {
    const m = JSON.parse(readFileSync(metaFile, 'utf8')) as SweepSettings;
    if (typeof m.fingerprint !== 'string') throw new Error('no fingerprint');
    return m;
  } catch (e) {
    throw new UserError(`${metaFile}: not a sweep settings record (${(e as Error).message.split('\n')[0]}); remove it, or choose another --out`);
  }
}

/**
 * `tidecast merge`: joins shard CSVs into one sweep, in point order. Shards made under different
 * settings (their `.meta.json` records disagree) are refused; the merged file gets the record.
 */
export async function mergeAction(files: string[], out: string | undefined, force?: boolean): Promise<{ stdout: string; notes: string[] }> {
  if (files.length === 0) throw new UserError('merge: give the shard CSV files');
  if (out !== undefined) guardOutFile('--out', out, force);
  let settings: { file: string; s: SweepSettings } | undefined;
  const unrecorded: string[] = [];
  for (const f of files) {
    const s = readSettings(metaFileOf(f));
    if (!s) unrecorded.push(f);
    else if (!settings) settings = { file: f, s };
    else {
      const diff = settingsDiff(settings.s, s);
      if (diff.length > 0) throw new UserError(`${f}: made with other settings than ${settings.file} (${diff.join('; ')}); merge shards of one sweep`);
    }
  }
  if (settings && unrecorded.length > 0) throw new UserError(`${unrecorded[0]}: no record of the settings that made it (${metaFileOf(unrecorded[0])} is missing), unlike ${settings.file}; merge shards of one sweep`);
  let keys: string[] | null = null;
  const rows = new Map<number, SweepRow>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UserError(`${f}: cannot read the shard (${readProblem(e)})`);
    }
    const s = readSweep(text, f);
    if (keys && s.keys.join(',') !== keys.join(',')) throw new UserError(`${f}: varies ${s.keys.join(', ')}, the other shards ${keys.join(', ')}`);
    keys = s.keys;
    for (const r of s.rows) {
      const prev = rows.get(r.index);
      if (prev && sweepLine(prev, keys) !== sweepLine(r, keys)) throw new UserError(`${f}: point ${r.index} differs from another shard's`);
      rows.set(r.index, r);
    }
  }
  const sorted = [...rows.values()].sort((a, b) => a.index - b.index);
  const text = [sweepHeader(keys!), ...sorted.map((r) => sweepLine(r, keys!))].join('\n') + '\n';
  const notes = settings ? [] : [`the shards carry no record of their settings (made by an earlier tidecast): merged as they are`];
  if (!out) return { stdout: text, notes };
  const files_: Record<string, string> = { [basename(out)]: text };
  if (settings && out.endsWith('.csv')) files_[metaFileOf(basename(out))] = JSON.stringify(settings.s, null, 2) + '\n';
  writeOutputs(dirname(out), files_);
  return { stdout: sweepTable(sorted, keys!), notes: [...notes, `wrote ${out} (${sorted.length} points)`] };
}

/** `pareto.svg` and `report.html` of a finished sweep; the front (arquero) and the chart (vega) load here, so `merge` loads neither. */
async function paretoOutputs(name: string, rows: SweepRow[], keys: string[]): Promise<Record<string, string>> {
  const [{ paretoFront }, { paretoSpec }, { renderSvg }, { reportHtml }] = await Promise.all([import('../sweep/pareto.js'), import('../report/paretoChart.js'), import('../report/svg.js'), import('../report/html.js')]);
  const front = new Set(paretoFront(rows).map((r) => r.index));
  const spec = paretoSpec(name, rows, keys, front);
  const svg = await renderSvg(spec);
  const html = reportHtml({ title: `tidecast sweep — ${name}`, subtitle: `${rows.length} points over ${keys.join(', ')}`, tableHtml: '', charts: [{ id: 'pareto', spec, svg }], appendix: [] });
  return { 'pareto.svg': svg, 'report.html': html };
}

function sweepTable(rows: readonly SweepRow[], keys: readonly string[]): string {
  const head = ['#', ...keys.map((k) => k.split('.').pop()!), 'warm-hit', 'p99 s', 'cost', 'budgets'];
  const body = rows.map((r) => [String(r.index), ...keys.map((k) => r.values[k]), fmt(r.metrics.warmHitRate * 100, 2) + '%', fmt(r.metrics['startLatency.p99'], 3), fmt(r.metrics['cost.total'], 2), r.budgets]);
  return textTable(head, body, 'r'.repeat(head.length)).join('\n') + '\n';
}

function fmt(x: number, d: number): string {
  return Number.isFinite(x) ? x.toFixed(d) : '—';
}
