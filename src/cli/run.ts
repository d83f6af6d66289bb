import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { scenarioAsRun } from '../scenario/asRun.js';
import { seriesCsv } from '../sim/seriesCsv.js';
import { simulateFile } from '../sim/simulate.js';
import type { Summary } from '../sim/summary.js';
import { summaryTable } from './format.js';
import { limitsFlags, simSets, workersFlag, type SimFlags } from './options.js';

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
  sets: string[];
  workers?: number;
  quiet: boolean;
  limits?: { maxEvents?: number; maxMemoryBytes?: number };
}

/** Options as commander hands them over. */
export interface RunFlags extends SimFlags {
  format?: string;
  out?: string;
}

/** Turns command-line flags into a typed context, or throws a one-line `UserError`. */
export function runContext(file: string, f: RunFlags): RunContext {
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  return { scenarioFile: file, format, outDir: f.out, sets: simSets(f), workers: workersFlag(f), quiet: !!f.quiet, limits: limitsFlags(f) };
}

/** Runs a scenario; returns what to print on stdout and stderr (the caller writes it). */
export async function runAction(
  ctx: RunContext,
  progress?: (done: number, total: number) => void,
  onTime?: (simS: number, durationS: number) => void,
): Promise<{ stdout: string; notes: string[]; summary: Summary }> {
  const { scenario, results, summary, notes } = await simulateFile(ctx.scenarioFile, ctx.sets, { workers: ctx.workers, onProgress: progress, onTime, limits: ctx.limits });
  const full = { ...summary, scenarioAsRun: scenarioAsRun(scenario) };
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
  const stdout = ctx.format === 'json' ? JSON.stringify(full, null, 2) + '\n' : summaryTable(summary) + '\n';
  return { stdout, notes, summary };
}
