import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { judgeBudgets, type BudgetResult, type Verdict } from '../check/budgets.js';
import { junitXml, type JUnitCase } from '../check/junit.js';
import { compareWithBaseline, type RegressionResult } from '../check/regression.js';
import { UserError } from '../errors.js';
import { simulateFile } from '../sim/simulate.js';
import type { Summary } from '../sim/summary.js';
import { limitsFlags, simSets, toleranceFlag, workersFlag, type SimFlags } from './options.js';
import { writeOutputs } from './run.js';
import { textTable } from '../report/textTable.js';
import { budgetCells } from './budgetLines.js';

/** Options of `tidecast check` as commander hands them over. */
export interface CheckFlags extends SimFlags {
  junit?: string;
  baseline?: string;
  saveBaseline?: string;
  tolerance?: string;
  strict?: boolean;
  format?: string;
}

/** Validated options of `tidecast check`. */
export interface CheckContext {
  files: string[];
  sets: string[];
  workers?: number;
  limits?: { maxEvents?: number; maxMemoryBytes?: number };
  junit?: string;
  baseline?: Map<string, Summary>;
  saveBaseline?: string;
  tolerance: number;
  strict: boolean;
  format: 'text' | 'json';
  quiet: boolean;
}

/** What `check` found: every verdict, and the exit code it implies. */
export interface CheckOutcome {
  budgets: BudgetResult[];
  regressions: RegressionResult[];
  exitCode: 0 | 1;
  stdout: string;
  notes: string[];
}

/** Validates flags into a context (reads the baseline file); one-line errors, exit 2. */
export function checkContext(files: string[], f: CheckFlags): CheckContext {
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  return {
    files,
    sets: simSets(f),
    workers: workersFlag(f),
    limits: limitsFlags(f),
    junit: f.junit,
    baseline: f.baseline ? readBaseline(f.baseline) : undefined,
    saveBaseline: f.saveBaseline,
    tolerance: toleranceFlag(f.tolerance ?? '5%'),
    strict: !!f.strict,
    format,
    quiet: !!f.quiet,
  };
}

/**
 * A baseline is a `summary.json` from `tidecast run --out` (one scenario), or the file
 * `tidecast check --save-baseline` writes: `{ "summaries": { "<scenario>": summary, … } }`.
 */
function readBaseline(file: string): Map<string, Summary> {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`--baseline ${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read it (${code})` : `not JSON (${(e as Error).message.split('\n')[0]})`}`);
  }
  const o = j as { summaries?: Record<string, Summary>; scenario?: string };
  if (o && typeof o === 'object' && o.summaries && typeof o.summaries === 'object') return new Map(Object.entries(o.summaries));
  if (o && typeof o === 'object' && typeof o.scenario === 'string') return new Map([[o.scenario, j as Summary]]);
  throw new UserError(`--baseline ${file}: expected a summary.json (with a "scenario" key) or a file written by --save-baseline (with "summaries")`);
}

const MARK: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };

/** Runs every scenario, judges budgets and regressions, writes JUnit; returns the outcome. */
export async function checkAction(ctx: CheckContext, progress?: (label: string, done: number, total: number) => void): Promise<CheckOutcome> {
  const budgets: BudgetResult[] = [];
  const regressions: RegressionResult[] = [];
  const cases: JUnitCase[] = [];
  const notes: string[] = [];
  const saved: Record<string, Summary> = {};
  const t0 = performance.now();
  for (const file of ctx.files) {
    const sim = await simulateFile(file, ctx.sets, { workers: ctx.workers, limits: ctx.limits, onProgress: (d, n) => progress?.(`check ${basename(file)}`, d, n) });
    const name = sim.scenario.name;
    notes.push(...sim.notes);
    saved[name] = sim.summary;
    const timeS = sim.summary.engine.wallSeconds;
    const b = judgeBudgets(name, sim.scenario.budgets, sim.summary);
    if (b.length === 0 && !ctx.baseline) notes.push(`${file}: scenario "${name}" has no budgets: nothing to check`);
    budgets.push(...b);
    for (const r of b) cases.push({ suite: name, name: `budget ${r.metric} ${r.text}`, verdict: r.verdict, message: r.reason, timeS: timeS / Math.max(1, b.length) });
    if (ctx.baseline) {
      const base = ctx.baseline.get(name);
      if (!base) notes.push(`${file}: no baseline for scenario "${name}"; regressions not checked`);
      else {
        const r = compareWithBaseline(name, sim.summary, base, ctx.tolerance, sim.scenario.budgets);
        regressions.push(...r);
        for (const x of r) cases.push({ suite: name, name: `regression ${x.metric}`, verdict: x.verdict, message: x.reason, timeS: 0 });
      }
    }
  }
  const totalS = (performance.now() - t0) / 1000;
  if (ctx.junit) writeOutputs(dirname(ctx.junit), { [basename(ctx.junit)]: junitXml(cases, ctx.strict, totalS) });
  if (ctx.saveBaseline) writeOutputs(dirname(ctx.saveBaseline), { [basename(ctx.saveBaseline)]: JSON.stringify({ summaries: saved }, null, 2) + '\n' });
  const bad = (v: Verdict) => v === 'fail' || (ctx.strict && v === 'inconclusive');
  const exitCode = budgets.some((b) => bad(b.verdict)) || regressions.some((r) => r.verdict === 'fail') ? 1 : 0;
  const stdout = ctx.format === 'json' ? JSON.stringify({ exitCode, strict: ctx.strict, budgets, regressions }, null, 2) + '\n' : checkTable(budgets, regressions, ctx.strict, exitCode);
  if (ctx.junit) notes.push(`wrote ${ctx.junit}`);
  if (ctx.saveBaseline) notes.push(`wrote ${ctx.saveBaseline}`);
  return { budgets, regressions, exitCode, stdout, notes };
}

/** The verdicts as a concise terminal table (pure). */
export function checkTable(budgets: readonly BudgetResult[], regressions: readonly RegressionResult[], strict: boolean, exitCode: number): string {
  const rows: string[][] = [];
  const f = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : '—');
  for (const b of budgets) rows.push([b.scenario, `${b.metric} ${b.text}`, ...budgetCells(b), MARK[b.verdict]]);
  for (const r of regressions) rows.push([r.scenario, `${r.metric} vs baseline ${f(r.baseline)}`, f(r.value), '', MARK[r.verdict]]);
  const lines = textTable(['scenario', 'check', 'value', '95% CI', 'verdict'], rows, 'lllll');
  const why = [...budgets, ...regressions].filter((x) => x.verdict !== 'pass').map((x) => `${MARK[x.verdict]} ${x.scenario} ${x.metric}: ${x.reason}`);
  const count = (v: Verdict) => [...budgets, ...regressions].filter((x) => x.verdict === v).length;
  const tail = `${count('pass')} passed, ${count('fail')} failed, ${count('inconclusive')} inconclusive${strict ? ' (strict: inconclusive fails)' : ''} → exit ${exitCode}`;
  return [...lines, '', ...why, ...(why.length ? [''] : []), tail].join('\n') + '\n';
}
