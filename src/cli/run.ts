import { mkdirSync, writeFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { scenarioAsRun } from '../scenario/asRun.js';
import { seriesCsv } from '../sim/seriesCsv.js';
import { simulateFile } from '../sim/simulate.js';
import type { Summary } from '../sim/summary.js';
import { summaryTable } from './format.js';
import { limitsFlags, simSets, workersFlag, type SimFlags } from './options.js';
import { guardOutDir, guardOutFile } from './outGuard.js';
import { judgeBudgets, type BudgetResult } from '../check/budgets.js';
import { summaryCsv } from '../report/summaryCsv.js';
import { budgetLines } from './budgetLines.js';
import { basename, dirname, join } from 'node:path';
import { openMetricsTarget, writeOpenMetrics, type OpenMetricsTarget } from './runOpenMetrics.js';

/** Writes files into a folder (created if missing); a failure is the user's to fix (exit 2). */
export function writeOutputs(dir: string, files: Record<string, string>): void {
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  } catch (e) {
    throw new UserError(`--out ${dir}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Validated options of `tidecast run`. */
export interface RunContext {
  scenarioFile: string;
  format: 'text' | 'json';
  outDir?: string;
  /** `--csv FILE`: the summary as CSV. */
  csv?: string;
  sets: string[];
  workers?: number;
  quiet: boolean;
  /** `--openmetrics`: where to write the run as OpenMetrics. */
  openMetrics?: OpenMetricsTarget;
  limits?: { maxEvents?: number; maxMemoryBytes?: number };
}

/** Options as commander hands them over. */
export interface RunFlags extends SimFlags {
  format?: string;
  out?: string;
  force?: boolean;
  csv?: string;
  openmetrics?: string;
  openmetricsStart?: string;
}

/** Turns command-line flags into a typed context, or throws a one-line `UserError`. */
export function runContext(file: string, f: RunFlags): RunContext {
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  if (f.out !== undefined) guardOutDir('--out', f.out, f.force);
  if (f.csv !== undefined) guardOutFile('--csv', f.csv, f.force);
  return { scenarioFile: file, format, outDir: f.out, csv: f.csv, sets: simSets(f), workers: workersFlag(f), quiet: !!f.quiet, limits: limitsFlags(f), openMetrics: openMetricsTarget(f.openmetrics, f.openmetricsStart) };
}

/** Runs a scenario; returns what to print on stdout and stderr (the caller writes it). */
export async function runAction(
  ctx: RunContext,
  progress?: (done: number, total: number) => void,
  onTime?: (simS: number, durationS: number) => void,
): Promise<{ stdout: string; notes: string[]; summary: Summary }> {
  const sim = await simulateFile(ctx.scenarioFile, ctx.sets, { workers: ctx.workers, onProgress: progress, onTime, limits: ctx.limits, exportHistograms: ctx.openMetrics !== undefined });
  const { scenario, results, summary, notes } = sim;
  if (ctx.openMetrics) notes.push(writeOpenMetrics(ctx.openMetrics, sim));
  // budgets judged as `check` judges them (the same intervals), shown under the table
  const budgets: BudgetResult[] = judgeBudgets(scenario.name, scenario.budgets, summary);
  const full = { ...summary, ...(budgets.length ? { budgets } : {}), scenarioAsRun: scenarioAsRun(scenario) };
  if (ctx.csv) {
    writeOutputs(dirname(ctx.csv), { [basename(ctx.csv)]: summaryCsv(summary) });
    notes.push(`wrote ${ctx.csv}`);
  }
  if (ctx.outDir) {
    // vega and the report load only when a report is asked for (they take ~0.5 s to import)
    const { buildReport } = await import('../report/build.js');
    const report = await buildReport([{ variant: scenario.name, scenario, results, summary }]);
    writeOutputs(ctx.outDir, {
      'summary.json': JSON.stringify(full, null, 2) + '\n',
      'timeseries.csv': seriesCsv(results),
      'report.html': report.html,
      ...Object.fromEntries(Object.entries(report.svgs).map(([id, svg]) => [`${id}.svg`, svg])),
    });
    notes.push(`wrote ${join(ctx.outDir, 'report.html')}, summary.json, timeseries.csv and ${Object.keys(report.svgs).length} SVG charts`);
  }
  const stdout = ctx.format === 'json' ? JSON.stringify(full, null, 2) + '\n' : [summaryTable(summary), ...budgetLines(budgets)].join('\n') + '\n';
  return { stdout, notes, summary };
}
