import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { backtestAction } from '../../src/cli/backtest.js';
import { compareAction, compareContext, compareTable } from '../../src/cli/compare.js';
import { comparePoliciesAction } from '../../src/cli/comparePolicies.js';
import { optimizeAction } from '../../src/cli/optimize.js';
import { mergeAction, sweepAction } from '../../src/cli/sweep.js';
import { pairedDifference } from '../../src/compare/paired.js';
import { reportSpecs } from '../../src/report/build.js';
import { costChart } from '../../src/report/charts.js';
import { seriesRows, type SeriesRow } from '../../src/report/data.js';
import { SERIES_COLUMNS } from '../../src/model/metrics.js';
import { paretoSpec } from '../../src/report/paretoChart.js';
import { compareCsv } from '../../src/report/compareCsv.js';
import { summaryCsv } from '../../src/report/summaryCsv.js';
import { summaryTable } from '../../src/report/table.js';
import { simulateFile } from '../../src/sim/simulate.js';
import { paretoFront } from '../../src/sweep/pareto.js';
import { readSweep } from '../../src/sweep/results.js';

/**
 * Every table the project builds outside the simulation loop, pinned byte for byte against
 * outputs recorded from the code before its tables were rebuilt with arquero (2026-12-02, commit
 * bbdad62): the report's series and chart data, its summary table, run and compare CSVs, compare's
 * side-by-side table, the sweep's CSV, text table and Pareto front and chart, backtest's table and
 * JSON, compare --policies' table and JSON, optimize's text. Small inputs (default scenario cut to
 * tens of minutes) keep it to seconds. `TIDECAST_RECORD=1` rewrites the fixtures (only to pin a
 * deliberate change of output).
 */
const FIX = join(process.cwd(), 'test/report/fixtures/tables');
const RECORD = process.env.TIDECAST_RECORD === '1';
const dir = mkdtempSync(join(tmpdir(), 'tidecast-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Compares `text` with the recorded fixture `name` (or records it). Large files are pinned by their SHA-256. */
function pin(name: string, text: string, hashOnly = false): void {
  const file = join(FIX, hashOnly ? `${name}.sha256` : name);
  const got = hashOnly ? `${sha(text)} ${text.length}\n` : text;
  if (RECORD) {
    mkdirSync(FIX, { recursive: true });
    writeFileSync(file, got);
    return;
  }
  expect(existsSync(file), `${file}: no recorded fixture`).toBe(true);
  expect(got, name).toBe(readFileSync(file, 'utf8'));
}

const FILE = 'scenarios/default.yaml';
const SHORT = ['duration=40m', 'warmup=5m', 'output.interval=5m', 'replications=2'];
/** Chart specs one per line (a change shows which chart it touched). */
const specsText = (specs: Record<string, unknown>) => Object.entries(specs).map(([id, spec]) => `${id} ${JSON.stringify(spec)}`).join('\n') + '\n';

describe('tables pinned byte for byte', () => {
  it('report data, summary table, run and compare CSV, compare table', async () => {
    const a = await simulateFile(FILE, SHORT, { workers: 0 });
    const b = await simulateFile(FILE, [...SHORT, 'infrastructure.warmPool.size=40', 'infrastructure.reserved.slots=900'], { workers: 0 });
    const va = { variant: 'a', scenario: a.scenario, results: a.results, summary: a.summary };
    const vb = { variant: 'b', scenario: b.scenario, results: b.results, summary: b.summary };
    pin('report-one.txt', specsText(reportSpecs([va])));
    pin('report-two.txt', specsText(reportSpecs([va, vb])));
    pin('summary-one.html', summaryTable([va]).toHTML() + '\n');
    pin('summary-two.html', summaryTable([va, vb]).toHTML() + '\n');
    pin('run.csv', summaryCsv(a.summary));
    const runs = [{ ...a, name: 'a' }, { ...b, name: 'b' }];
    const all = { b: Object.fromEntries(Object.keys(a.summary.ci95).map((p) => [p, pairedDifference(a.results, b.results, p)])) };
    pin('compare.csv', compareCsv(runs.map((r) => ({ name: r.name, summary: r.summary })), all));
    // names that need quoting (zipped --vary keys join with commas), and a metric with no difference
    const odd = { 'size=40,slots="900"': { ...all.b, 'cost.total': undefined as never } };
    pin('compare-quoted.csv', compareCsv([{ name: 'a', summary: a.summary }, { name: 'size=40,slots="900"', summary: b.summary }], odd));
    pin('compare.txt', compareTable(runs, all));
  }, 120_000);

  it('cumulative cost: per variant, and a missing interval stops the curve', () => {
    const at = (variant: string, hours: number, costReserved: number, costServerless: number) => ({ variant, t: hours * 3600, hours, costReserved, costServerless }) as SeriesRow;
    const rows = [at('a', 0, 1.5, 0.1), at('b', 0, 2, 0), at('a', 1, NaN, 0.2), at('b', 1, 0.25, Infinity), at('a', 2, 1, 0.3), at('b', 2, -0, 1)];
    pin('cost-chart.json', JSON.stringify(costChart(rows)) + '\n');
  });

  it('interval means over replications: missing and infinite values skipped, replications cut to the shortest', () => {
    const col = (k: number, c: number, n: number) => Float64Array.from({ length: n }, (_, i) => (c === 0 ? i * 60 : (i + k) % 4 === 1 ? NaN : (i + c) % 5 === 3 && k === 1 ? Infinity : 0.1 * (i + 1) * (c + k) - 0.3 * k));
    const results = [4, 3, 4].map((n, k) => ({ series: Object.fromEntries(SERIES_COLUMNS.map((c, j) => [c, col(k, j, n)])) })) as never;
    pin('series-rows.json', JSON.stringify(seriesRows('v', results)) + '\n');
  });

  it('a template scenario: summary and compare tables with their template rows, its report data', async () => {
    const ctx = compareContext(['scenarios/kimi-core.yaml'], { set: ['duration=20m', 'warmup=2m', 'output.interval=4m'], vary: ['infrastructure.reserved.slots=1200,1400'], replications: '2', workers: '0' } as never);
    const r = await compareAction(ctx);
    pin('compare-templates.txt', r.stdout);
    const runs = r.runs!;
    pin('report-templates.txt', specsText(reportSpecs(runs.map((x) => ({ variant: x.name, scenario: x.scenario, results: x.results, summary: x.summary })))));
    pin('summary-templates.html', summaryTable(runs.map((x) => ({ variant: x.name, summary: x.summary }))).toHTML() + '\n');
  }, 120_000);

  it('sweep: CSV, text table, Pareto front and chart; merge', async () => {
    const out = join(dir, 'sweep');
    const vary = ['infrastructure.warmPool.size=0,10,40', 'infrastructure.reserved.slots=900..980:40'];
    const r = await sweepAction(FILE, { vary, set: ['duration=30m', 'warmup=5m'], replications: '1', workers: '0', out } as never);
    pin('sweep.txt', r.stdout);
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8');
    pin('sweep.csv', csv);
    const { keys, rows } = readSweep(csv);
    pin('pareto-front.json', JSON.stringify(paretoFront(rows).map((x) => x.index)) + '\n');
    pin('pareto-spec.json', JSON.stringify(paretoSpec('default', rows, keys, new Set(paretoFront(rows).map((x) => x.index))), null, 1) + '\n');
    pin('pareto.svg', readFileSync(join(out, 'pareto.svg'), 'utf8'), true);
    pin('sweep-report.html', readFileSync(join(out, 'report.html'), 'utf8'), true);
    const m = await mergeAction([join(out, 'sweep.csv')], join(dir, 'merged.csv'));
    pin('merge.txt', m.stdout);
    // equal results folded into one mark (more than three: the tooltip elides), -0 and 0 one cost, NaN left out
    const at = (index: number, cost: number, p99: number, budgets: string) => ({ index, values: { 'a.size': String(index), 'b.slots': String(index * 10) }, metrics: { 'cost.total': cost, 'startLatency.p99': p99 }, budgets });
    const synth = [at(0, 2, 1, 'pass'), at(1, 0, 3, 'fail'), at(2, 2, 1, 'pass'), at(3, -0, 3, 'fail'), at(4, 2, 1, 'fail'), at(5, 2, 1, 'pass'), at(6, NaN, 1, 'pass'), at(7, 2, 1, 'pass'), at(8, 1, Infinity, 'none'), at(9, 2, 1, 'pass')];
    pin('pareto-synth.json', JSON.stringify(paretoSpec('synth', synth, ['a.size', 'b.slots'], new Set([1, 2]))) + '\n');
  }, 120_000);

  it('backtest: text table and JSON (fit time held at 0 ms)', () => {
    const now = vi.spyOn(performance, 'now').mockReturnValue(0);
    try {
      const f = { step: '1h', horizon: '24h', origins: '3', models: 'seasonal-naive-weekly,holt-winters-add,auto' };
      pin('backtest.txt', backtestAction('traces/tidal-5w-1h.csv', f).stdout);
      pin('backtest.json', backtestAction('traces/tidal-5w-1h.csv', { ...f, format: 'json' }).stdout);
    } finally {
      now.mockRestore();
    }
  });

  it('compare --policies: table, JSON and policies.json', async () => {
    const sets = ['duration=30m', 'warmup=5m', 'replications=1', 'budgets={ "startLatency.p99": "<= 2s" }'];
    const opts = { workers: 0, steps: 2 };
    const t = await comparePoliciesAction(FILE, ['static', 'little', 'oracle'], sets, { ...opts, format: 'text', outDir: join(dir, 'policies') });
    pin('policies.txt', t.stdout);
    pin('policies.json', readFileSync(join(dir, 'policies', 'policies.json'), 'utf8'));
  }, 300_000);

  it('optimize: text and JSON', async () => {
    const f = { vary: ['infrastructure.reserved.slots=900,960', 'infrastructure.warmPool.size=20,40'], set: ['duration=30m', 'warmup=5m'], maxReplications: '4', workers: '0', quiet: true };
    pin('optimize.txt', (await optimizeAction(FILE, f as never)).stdout);
    pin('optimize.json', (await optimizeAction(FILE, { ...f, format: 'json' } as never)).stdout);
  }, 300_000);
});
