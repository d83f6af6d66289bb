import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { judgeBudgets } from '../check/budgets.js';
import { UserError } from '../errors.js';
import { reportHtml } from '../report/html.js';
import { renderSvg } from '../report/svg.js';
import { loadScenario } from '../scenario/load.js';
import { simulateFile } from '../sim/simulate.js';
import { runOnWorkers } from '../sim/workerPool.js';
import { usableCores } from '../engine/cores.js';
import { gridPoints, parseAxis, parseShard, samplePoints, type Point } from '../sweep/grid.js';
import { paretoFront, readSweep, sweepHeader, sweepLine, sweepRow, type SweepRow } from '../sweep/results.js';
import { intFlag, simSets, type SimFlags } from './options.js';
import { writeOutputs } from './run.js';
import { textTable } from '../report/textTable.js';

/** Options of `tidecast sweep`. */
export interface SweepFlags extends SimFlags {
  vary?: string[];
  samples?: string;
  out?: string;
  shard?: string;
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
  for (const p of mine) loadScenario(file, [...sets, ...Object.entries(p.values).map(([k, v]) => `${k}=${v}`)]);
  const dir = f.out ?? join('reports', `sweep-${base.name}`);
  const csvName = shard.n > 1 ? `sweep.shard-${shard.i}-of-${shard.n}.csv` : 'sweep.csv';
  const csv = join(dir, csvName);
  const header = sweepHeader(keys);
  const notes: string[] = [];
  const done = new Map<number, SweepRow>();
  if (existsSync(csv)) {
    const prev = readSweep(readFileSync(csv, 'utf8'));
    if (prev.keys.join(',') !== keys.join(',')) throw new UserError(`${csv}: holds a sweep over ${prev.keys.join(', ') || 'nothing'}, not ${keys.join(', ')}; choose another --out`);
    for (const r of prev.rows) if (mine.some((p) => p.index === r.index && keys.every((k) => p.values[k] === r.values[k]))) done.set(r.index, r);
    if (done.size > 0) notes.push(`resuming: ${done.size} of ${mine.length} points already in ${csv}`);
  } else writeOutputs(dir, { [csvName]: header + '\n' });
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
    await runOnWorkers<(typeof tasks)[number], SweepRow>(new URL('../sim/pointWorker.js', import.meta.url), tasks, workers, (_, row) => record(row)).catch((e: Error & { user?: boolean }) => {
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

/** `tidecast merge`: joins shard CSVs into one sweep, in point order. */
export async function mergeAction(files: string[], out: string | undefined): Promise<{ stdout: string; notes: string[] }> {
  if (files.length === 0) throw new UserError('merge: give the shard CSV files');
  let keys: string[] | null = null;
  const rows = new Map<number, SweepRow>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new UserError(`${f}: cannot read the shard`);
    }
    const s = readSweep(text);
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
  if (!out) return { stdout: text, notes: [] };
  writeOutputs(join(out, '..'), { [basename(out)]: text });
  return { stdout: sweepTable(sorted, keys!), notes: [`wrote ${out} (${sorted.length} points)`] };
}

async function paretoOutputs(name: string, rows: SweepRow[], keys: string[]): Promise<Record<string, string>> {
  const front = new Set(paretoFront(rows).map((r) => r.index));
  const values = rows
    .filter((r) => Number.isFinite(r.metrics['cost.total']) && Number.isFinite(r.metrics['startLatency.p99']))
    .map((r) => ({ cost: r.metrics['cost.total'], p99: r.metrics['startLatency.p99'], front: front.has(r.index) ? 'Pareto front' : 'other', budgets: r.budgets, point: keys.map((k) => `${k.split('.').pop()}=${r.values[k]}`).join(' ') }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Sweep of ${name}: cost against p99 start latency`, subtitle: 'each point a configuration; the line joins those no other beats on both', anchor: 'start' },
    width: 640,
    height: 360,
    data: { values },
    layer: [
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x: { field: 'cost', type: 'quantitative', title: 'cost (total)', scale: { zero: false } }, y: { field: 'p99', type: 'quantitative', title: 'p99 start latency (s)' }, color: { field: 'budgets', type: 'nominal', title: 'budgets' }, tooltip: [{ field: 'point' }, { field: 'cost', format: ',.2f' }, { field: 'p99', format: '.3f' }, { field: 'budgets' }] } },
      { transform: [{ filter: "datum.front === 'Pareto front'" }], mark: { type: 'line', interpolate: 'step-after', color: '#444' }, encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'p99', type: 'quantitative' } } },
    ],
  };
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
