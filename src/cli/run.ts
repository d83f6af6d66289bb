import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { scenarioAsRun } from '../scenario/asRun.js';
import { loadScenario } from '../scenario/load.js';
import { runReplications } from '../sim/runner.js';
import { seriesCsv } from '../sim/seriesCsv.js';
import { summarize, type Summary } from '../sim/summary.js';
import { prepareInputs } from '../workload/build.js';
import { summaryTable } from './format.js';

/** Validated options of `tidecast run`. */
export interface RunContext {
  scenarioFile: string;
  format: 'text' | 'json';
  outDir?: string;
  sets: string[];
  workers?: number;
  quiet: boolean;
}

/** Options as commander hands them over. */
export interface RunFlags {
  format?: string;
  out?: string;
  seed?: string;
  replications?: string;
  set?: string[];
  workers?: string;
  quiet?: boolean;
}

/** Turns command-line flags into a typed context, or throws a one-line `UserError`. */
export function runContext(file: string, f: RunFlags): RunContext {
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  const sets = [...(f.set ?? [])];
  if (f.seed !== undefined) sets.push(`seed=${int('--seed', f.seed, 0)}`);
  if (f.replications !== undefined) sets.push(`replications=${int('--replications', f.replications, 1)}`);
  const workers = f.workers !== undefined ? int('--workers', f.workers, 0) : undefined;
  return { scenarioFile: file, format, outDir: f.out, sets, workers, quiet: !!f.quiet };
}

function int(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new UserError(`${flag}: expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

/** Runs a scenario; returns what to print on stdout and stderr (the caller writes it). */
export async function runAction(ctx: RunContext, progress?: (done: number, total: number) => void): Promise<{ stdout: string; notes: string[]; summary: Summary }> {
  const scenario = loadScenario(ctx.scenarioFile, ctx.sets);
  const inputs = prepareInputs(scenario, ctx.scenarioFile);
  const t0 = performance.now();
  const results = await runReplications(scenario, inputs, { workers: ctx.workers, onProgress: progress });
  const summary = summarize(scenario, results, (performance.now() - t0) / 1000);
  const full = { ...summary, scenarioAsRun: scenarioAsRun(scenario) };
  const notes = [...inputs.notes];
  if (ctx.outDir) {
    try {
      mkdirSync(ctx.outDir, { recursive: true });
      writeFileSync(join(ctx.outDir, 'summary.json'), JSON.stringify(full, null, 2) + '\n');
      writeFileSync(join(ctx.outDir, 'timeseries.csv'), seriesCsv(results));
    } catch (e) {
      throw new UserError(`--out ${ctx.outDir}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    notes.push(`wrote ${join(ctx.outDir, 'summary.json')} and ${join(ctx.outDir, 'timeseries.csv')}`);
  }
  const stdout = ctx.format === 'json' ? JSON.stringify(full, null, 2) + '\n' : summaryTable(summary) + '\n';
  return { stdout, notes, summary };
}
