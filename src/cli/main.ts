#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { checkAction, checkContext, type CheckFlags } from './check.js';
import { compareAction, compareContext, type CompareFlags } from './compare.js';
import { progressBar } from './progress.js';
import { runAction, runContext, type RunFlags } from './run.js';

/**
 * The command line: declares commands and options, validates them into typed contexts, calls
 * actions, and is the only place that writes to the terminal or sets the exit code.
 * Exit codes: 0 success, 1 a check failed, 2 invalid input, 70 internal error.
 */
const program = new Command();
program
  .name('tidecast')
  .description('Discrete-event capacity simulator and autoscaling forecaster for fleets of AI-agent sandboxes')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });

const collect = (v: string, acc: string[]) => [...acc, v];

program
  .command('run')
  .description('run a scenario and print its summary (a table, or JSON with --format json)')
  .argument('<scenario>', 'scenario YAML file (see scenarios/)')
  .option('--format <format>', 'text or json', 'text')
  .option('--out <dir>', 'also write report.html, summary.json, timeseries.csv and SVG charts into this folder')
  .option('--seed <n>', 'override the scenario seed')
  .option('--replications <n>', 'override the number of independent replications')
  .option('--set <key.path=value>', 'override any scenario key (repeatable), e.g. --set infrastructure.warmPool.size=40', collect, [])
  .option('--workers <n>', 'worker threads for replications (0 = in this thread; default: one per core)')
  .option('--quiet', 'print nothing on stderr')
  .action(async (file: string, flags: RunFlags) => {
    const ctx = runContext(file, flags);
    const bar = progressBar('tidecast run', ctx.quiet);
    const { stdout, notes } = await runAction(ctx, (d, n) => bar.update(d, n)).finally(() => bar.stop());
    process.stdout.write(stdout);
    if (!ctx.quiet) for (const n of notes) process.stderr.write(`tidecast: ${n}\n`);
  });

program
  .command('check')
  .description('run scenarios and judge their budgets (and regressions against a baseline) for CI: exit 0 pass, 1 fail, 2 invalid input')
  .argument('<scenario...>', 'scenario YAML files')
  .option('--junit <file>', 'write the verdicts as JUnit XML')
  .option('--baseline <file>', 'compare with a saved summary.json or --save-baseline file')
  .option('--save-baseline <file>', 'save these runs as a baseline for later --baseline')
  .option('--tolerance <pct>', 'how much worse than the baseline a metric may get (relative; percentage points for rates)', '5%')
  .option('--strict', 'an inconclusive budget (its interval straddles the bound) fails')
  .option('--format <format>', 'text or json', 'text')
  .option('--seed <n>', 'override every scenario seed')
  .option('--replications <n>', 'override the number of replications')
  .option('--set <key.path=value>', 'override a scenario key in every scenario (repeatable)', collect, [])
  .option('--workers <n>', 'worker threads for replications')
  .option('--quiet', 'print nothing on stderr')
  .action(async (files: string[], flags: CheckFlags) => {
    const ctx = checkContext(files, flags);
    const bars: ReturnType<typeof progressBar>[] = [];
    const out = await checkAction(ctx, (label, d, n) => {
      if (d === 1 || bars.length === 0) {
        bars.at(-1)?.stop();
        bars.push(progressBar(label, ctx.quiet));
      }
      bars.at(-1)!.update(d, n);
    }).finally(() => bars.at(-1)?.stop());
    process.stdout.write(out.stdout);
    if (!ctx.quiet) for (const n of out.notes) process.stderr.write(`tidecast: ${n}\n`);
    process.exitCode = out.exitCode;
  });

program
  .command('compare')
  .description('run variants on the same random streams and show them side by side, with paired differences')
  .argument('<scenario...>', 'two or more scenario files, or one with --vary')
  .option('--vary <key.path=a,b,...>', 'one variant of the scenario per value, e.g. --vary infrastructure.warmPool.size=20,60; repeat to vary keys together (zipped)', collect, [])
  .option('--out <dir>', 'write report.html (overlaid charts), compare.json and SVG charts into this folder')
  .option('--format <format>', 'text or json', 'text')
  .option('--seed <n>', 'override every scenario seed')
  .option('--replications <n>', 'override the number of replications')
  .option('--set <key.path=value>', 'override a scenario key in every variant (repeatable)', collect, [])
  .option('--workers <n>', 'worker threads for replications')
  .option('--quiet', 'print nothing on stderr')
  .action(async (files: string[], flags: CompareFlags) => {
    const ctx = compareContext(files, flags);
    let bar: ReturnType<typeof progressBar> | undefined;
    const out = await compareAction(ctx, (label, d, n) => {
      if (d === 1 || !bar) {
        bar?.stop();
        bar = progressBar(label, ctx.quiet);
      }
      bar.update(d, n);
    }).finally(() => bar?.stop());
    process.stdout.write(out.stdout);
    if (!ctx.quiet) for (const n of out.notes) process.stderr.write(`tidecast: ${n}\n`);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`tidecast: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
    } else {
      const err = e as Error;
      process.stderr.write(`tidecast: internal error: ${err?.message ?? String(e)}${process.env.TIDECAST_DEBUG ? `\n${err?.stack}` : ' (set TIDECAST_DEBUG=1 for details)'}\n`);
      process.exitCode = 70;
    }
  }
}

void main();
