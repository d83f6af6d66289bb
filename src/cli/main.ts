#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { basename, dirname } from 'node:path';
import { MODEL_NAMES } from '../forecast/modelNames.js';
import type { Progress } from './progress.js';

/** The progress bars (cli-progress), loaded by the commands that run something. */
const bars = () => import('./progress.js');
import type { ScalerFlags } from './scaler.js';
import type { BacktestFlags } from './backtest.js';
import type { CheckFlags } from './check.js';
import type { ForecastFlags } from './forecast.js';
import type { SweepFlags } from './sweep.js';
import type { OptimizeFlags } from './optimize.js';
import type { TargetsFlags } from './targets.js';
import type { SynthFlags } from './trace.js';
import type { CompareFlags } from './compare.js';
import type { RunFlags } from './run.js';

/**
 * The command line: declares commands and options, validates them into typed contexts, calls
 * actions, and is the only place that writes to the terminal or sets the exit code.
 * Exit codes: 0 success, 1 a check failed, 2 invalid input, 70 internal error.
 *
 * Start-up is kept short (`--version` ≈ 0.1 s, was 0.85 s): this file imports only commander and
 * type declarations; each action loads its command's module with `await import()`, so vega, the
 * report, gRPC, the Kubernetes client and the forecast models load only in commands that use them.
 * A new command is one registration here whose action starts with `await import('./itsFile.js')`.
 */
const program = new Command();
program
  .name('tidecast')
  .description('Discrete-event capacity simulator and autoscaling forecaster for fleets of AI-agent sandboxes')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });

const collect = (v: string, acc: string[]) => [...acc, v];

/** The options of every command that runs scenarios. */
function simOptions(cmd: Command, scope: string): Command {
  return cmd
    .option('--seed <n>', `override the seed of ${scope}`)
    .option('--replications <n>', 'override the number of independent replications')
    .option('--set <key.path=value>', `override any scenario key in ${scope} (repeatable), e.g. --set infrastructure.warmPool.size=40`, collect, [])
    .option('--workers <n>', 'worker threads for replications (0 = in this thread; default: one per core, and a large fleet run alone sorts its far events on a spare core)')
    .option('--quiet', 'print nothing on stderr (progress: a bar on a terminal; elsewhere none, or plain lines with TIDECAST_PROGRESS=plain or =<seconds>)')
    .option('--max-events <n>', 'refuse a run estimated above this many events (default 2e9, ~8 min of one core)')
    .option('--max-memory <size>', 'refuse a run estimated to hold more than this, e.g. 16GB (default a third of this machine\'s memory)');
}

/** Writes a command's output: the result on stdout, notes on stderr unless quiet. */
function emitResult(out: { stdout: string; notes?: string[] }, quiet?: boolean): void {
  process.stdout.write(out.stdout);
  if (!quiet) for (const n of out.notes ?? []) process.stderr.write(`tidecast: ${n}\n`);
}

simOptions(
  program
    .command('run')
    .description('run a scenario and print its summary (a table, or JSON with --format json)')
    .argument('<scenario>', 'scenario YAML file (see scenarios/)')
    .option('--format <format>', 'text or json', 'text')
    .option('--out <dir>', 'also write report.html, summary.json, timeseries.csv and SVG charts into this folder')
    .option('--force', 'replace what --out or --csv already holds')
    .option('--csv <file>', 'also write the summary as CSV (metric, value, 95% interval) for spreadsheets')
    .option('--openmetrics <file>', 'also write the run (its first replication) as OpenMetrics: counters, gauges and histograms per output interval, for promtool tsdb create-blocks-from openmetrics')
    .option('--openmetrics-start <time>', 'the UTC date-time (or epoch seconds) that simulated time 0 maps to in --openmetrics (default 2026-01-05T00:00:00Z)'),
  'the scenario',
).action(async (file: string, flags: RunFlags) => {
  const { runAction, runContext } = await import('./run.js');
  const { progressBar, simTimeBar } = await bars();
  const ctx = runContext(file, flags);
  // one replication in this thread reports simulated time; several count replications
  let bar: Progress | undefined;
  let byTime = false;
  const onTime = (t: number, n: number) => {
    byTime = true;
    (bar ??= simTimeBar('tidecast run', ctx.quiet)).update(t, n);
  };
  const onDone = (d: number, n: number) => byTime || (bar ??= progressBar('tidecast run', ctx.quiet)).update(d, n);
  emitResult(await runAction(ctx, onDone, onTime).finally(() => bar?.stop()), ctx.quiet);
});

simOptions(
  program
    .command('check')
    .description('run scenarios and judge their budgets (and regressions against a baseline) for CI: exit 0 pass, 1 fail, 2 invalid input')
    .argument('<scenario...>', 'scenario YAML files')
    .option('--junit <file>', 'write the verdicts as JUnit XML')
    .option('--baseline <file>', 'compare with a saved summary.json or --save-baseline file')
    .option('--save-baseline <file>', 'save these runs as a baseline for later --baseline')
    .option('--tolerance <pct>', 'how much worse than the baseline a metric may get (relative; percentage points for rates)', '5%')
    .option('--strict', 'an inconclusive budget (its interval straddles the bound) fails')
    .option('--format <format>', 'text or json', 'text'),
  'every scenario',
).action(async (files: string[], flags: CheckFlags) => {
  const { checkAction, checkContext } = await import('./check.js');
  const { phasedProgress } = await bars();
  const ctx = checkContext(files, flags);
  const progress = phasedProgress(ctx.quiet);
  const out = await checkAction(ctx, progress.update).finally(progress.stop);
  emitResult(out, ctx.quiet);
  process.exitCode = out.exitCode;
});

simOptions(
  program
    .command('compare')
    .description('run variants on the same random streams and show them side by side, with paired differences')
    .argument('<scenario...>', 'two or more scenario files, or one with --vary')
    .option('--vary <key.path=a,b,...>', 'one variant of the scenario per value, e.g. --vary infrastructure.warmPool.size=20,60; repeat to vary keys together (zipped)', collect, [])
    .option('--policies <list>', 'one variant per warm-pool policy (with templates, driving every template pool): static, little, hpa, kpa, predictive-hourly, forecast, oracle — each at its cheapest setting meeting the startLatency.p99 budget (the oracle: the cheaper of its window and Erlang-loss rules)')
    .option('--search-steps <n>', 'with --policies: bisection steps on each policy\'s knob after its two ends (then up to 6 more while the settings either side of the budget differ in cost by more than --search-tolerance)', '6')
    .option('--search-tolerance <pct>', 'with --policies: how close in cost the leanest setting meeting the budget and the richest missing it must be before a search stops (each policy is compared at its cheapest to within this)', '5%')
    .option('--search-method <method>', 'with --policies: bisect (halve the bracket each step), or secant (where the line through the two ends\' log p99 crosses the budget, kept a tenth of the bracket from either end; stops as soon as the bracket is within --search-tolerance)', 'bisect')
    .option('--search-from <file>', 'with --policies: seed each knob\'s search from an earlier compare --policies JSON (e.g. of a short slice), or from slice:<duration> (the same comparison run first on the scenario\'s first <duration>, a twelfth of it warm-up), slice:<start>+<duration> (that stretch of a tidal or Poisson scenario) or slice:auto+<duration> (the stretch where the arrival rate rises most): probe its setting and widen until the verdicts bracket the budget; the bracket is still confirmed on every replication')
    .option('--search-stop <on|off>', 'with --policies and bisection: on — stop a setting\'s run once its p99 is certain to miss the budget (its misses past 1% of the counted arrivals, the same at every setting); the search decides as without; off — every run to the end', 'on')
    .option('--search-prune <on|off>', 'with --policies and --search-from: on — search a policy\'s rules (the oracle\'s window and Erlang-loss rules) one after the other, the cheapest on the seeds\' JSON first, and end a rule\'s search once a setting of it misses on every replication at a pool costlier than the other rule\'s that met (it cannot be the cheaper; the table says it was not searched to the end); off — every rule to the end', 'on')
    .option('--search-screen <on|off|pool>', 'with --policies: on — search each knob on the first replication, then run the settings either side of the budget on every replication (only those verdicts decide; where one contradicts the screen the search goes on, on every replication); pool — search on the warm pools\' reduced model (sessions end once started: no turns, hibernation or session length; ~3x cheaper on kimi-peak) on every replication, then confirm the same way on the full model (back to the first replication once a full run shows a session waiting for capacity); off — every setting on every replication', 'on')
    .option('--out <dir>', 'write report.html (overlaid charts), compare.json and SVG charts into this folder')
    .option('--force', 'replace what --out or --csv already holds')
    .option('--csv <file>', 'also write every variant\'s metrics and paired differences as CSV')
    .option('--format <format>', 'text or json', 'text'),
  'every variant',
).action(async (files: string[], flags: CompareFlags) => {
  const { compareAction, compareContext } = await import('./compare.js');
  const { overall, phasedProgress } = await bars();
  const ctx = compareContext(files, flags);
  // with --policies: one bar over every replication of every search (at most; searches often stop sooner)
  const progress = ctx.policies ? overall('tidecast compare --policies', ctx.quiet, 'replications') : phasedProgress(ctx.quiet);
  emitResult(await compareAction(ctx, progress.update).finally(progress.stop), ctx.quiet);
});

simOptions(
  program
    .command('sweep')
    .description('run a grid or random samples over scenario keys in parallel; results to sweep.csv (resumable) and a Pareto front')
    .argument('<scenario>', 'scenario YAML file')
    .option('--vary <key.path=a,b,c | key.path=lo..hi:step>', 'a key and its values (repeatable; the grid is their product)', collect, [])
    .option('--samples <n>', 'instead of the grid, n random points (ranges drawn uniformly; seeded by the scenario seed)')
    .option('--out <dir>', 'folder for sweep.csv, pareto.svg and report.html (default reports/sweep-<name>)')
    .option('--force', 'write into a folder that holds other files, or start afresh over a sweep made with other settings')
    .option('--shard <i/n>', 'run only points i, i+n, i+2n, … (for a Kubernetes Indexed Job: $JOB_COMPLETION_INDEX/n)'),
  'every point',
).action(async (file: string, flags: SweepFlags) => {
  const { sweepAction } = await import('./sweep.js');
  const { progressBar } = await bars();
  const bar = progressBar('tidecast sweep', !!flags.quiet, 'points');
  emitResult(await sweepAction(file, flags, bar.update).finally(bar.stop), flags.quiet);
});

simOptions(
  program
    .command('optimize')
    .description('find the cheapest configuration whose budgets hold with confidence (successive halving over --vary keys, common random numbers)')
    .argument('<scenario>', 'scenario YAML file (with budgets)')
    .option('--vary <key.path=a,b,c | key.path=lo..hi:step>', 'a key and its candidate values (repeatable; the grid is their product)', collect, [])
    .option('--samples <n>', 'instead of the grid, n random candidates')
    .option('--minimize <key>', 'the summary key to minimise', 'cost.total')
    .option('--max-replications <n>', 'the most replications a candidate gets', '16')
    .option('--format <format>', 'text or json', 'text'),
  'every candidate',
).action(async (file: string, flags: OptimizeFlags) => {
  const { optimizeAction } = await import('./optimize.js');
  const { overall } = await bars();
  const progress = overall('tidecast optimize', !!flags.quiet, 'runs');
  emitResult(await optimizeAction(file, flags, progress.update).finally(progress.stop), flags.quiet);
});

simOptions(
  program
    .command('size')
    .description('the cheapest reserved capacity, pool and overflow setting that meets every budget (common random numbers, confirmed over more replications)')
    .argument('<scenario>', 'scenario YAML file (with budgets)')
    .option('--confirm-replications <n>', 'replications of the confirming run (default: twice the search\'s)')
    .option('--format <format>', 'text or json', 'text'),
  'every setting tried',
).action(async (file: string, flags: import('./size.js').SizeFlags) => {
  const { sizeAction } = await import('./size.js');
  const { phasedProgress } = await bars();
  const progress = phasedProgress(!!flags.quiet);
  emitResult(await sizeAction(file, flags, progress.update).finally(progress.stop), flags.quiet);
});

program
  .command('merge')
  .description('join sweep shard CSVs (from --shard) into one sweep')
  .argument('<csv...>', 'shard files')
  .option('--out <file>', 'write the merged CSV here (default: stdout)')
  .option('--force', 'replace what --out already holds')
  .action(async (files: string[], flags: { out?: string; force?: boolean }) => emitResult(await (await import('./sweep.js')).mergeAction(files, flags.out, flags.force)));

const MODELS_HELP = MODEL_NAMES.join(', ');

program
  .command('forecast')
  .description('forecast arrivals per step with quantiles from a trace (CSV: time,mean,p50,p90,p99)')
  .argument('<trace>', 'trace CSV (per request, per interval, or Azure Functions per-minute)')
  .requiredOption('--step <duration>', 'step of the series, e.g. 1m or 1h')
  .requiredOption('--horizon <duration>', 'how far ahead, e.g. 24h')
  .option('--at <time>', 'forecast from this time, using only data before it (ISO-8601, or seconds like the trace)')
  .option('--quantiles <levels>', 'quantile levels', '0.5,0.9,0.99')
  .option('--model <name>', MODELS_HELP, 'auto')
  .option('--format <format>', 'csv or json', 'csv')
  .option('--trace-format <format>', 'auto, requests, intervals or azure-functions', 'auto')
  .option('--time-column <name>', 'the trace\'s time column (default: the first)')
  .option('--count-column <name>', 'the trace\'s count column (default: one named count, or rate)')
  .option('--quiet', 'print nothing on stderr')
  .action(async (file: string, flags: ForecastFlags & { quiet?: boolean }) => emitResult((await import('./forecast.js')).forecastAction(file, flags), flags.quiet));

program
  .command('targets')
  .description('warm-pool size per step (Erlang-loss sizing on the forecast, uncertainty included) and a reserved-baseline advice')
  .argument('<trace>', 'trace CSV')
  .requiredOption('--step <duration>', 'step of the series, e.g. 1m')
  .requiredOption('--horizon <duration>', 'how far ahead, e.g. 1h')
  .requiredOption('--lead-time <duration>', 'time to refill a pool sandbox (the cold start), e.g. 20s')
  .requiredOption('--hit-rate <fraction>', 'warm-hit rate goal, e.g. 0.99')
  .option('--at <time>', 'plan from this time, using only data before it')
  .option('--session-duration <duration>', 'mean session length (for the reserved-baseline advice)')
  .option('--reserved-cost <price>', 'reserved price per slot-hour (for the advice)')
  .option('--serverless-cost <price>', 'serverless price per slot-second (for the advice)')
  .option('--model <name>', MODELS_HELP, 'auto')
  .option('--format <format>', 'text, csv or json', 'text')
  .option('--trace-format <format>', 'auto, requests, intervals or azure-functions', 'auto')
  .option('--time-column <name>', 'the trace\'s time column (default: the first)')
  .option('--count-column <name>', 'the trace\'s count column (default: one named count, or rate)')
  .option('--quiet', 'print nothing on stderr')
  .action(async (file: string, flags: TargetsFlags & { quiet?: boolean }) => emitResult((await import('./targets.js')).targetsAction(file, flags), flags.quiet));

program
  .command('backtest')
  .description('rolling-origin accuracy of the forecast models on a trace: MASE, sMAPE, RMSE, pinball loss, interval coverage, fit time')
  .argument('<trace>', 'trace CSV')
  .requiredOption('--step <duration>', 'step of the series, e.g. 1h')
  .requiredOption('--horizon <duration>', 'forecast horizon per origin, e.g. 24h')
  .option('--origins <n>', 'number of origins (each a horizon apart, at the end of the trace)', '7')
  .option('--models <list>', 'models to score (comma-separated)')
  .option('--format <format>', 'text or json', 'text')
  .option('--trace-format <format>', 'auto, requests, intervals or azure-functions', 'auto')
  .option('--time-column <name>', 'the trace\'s time column (default: the first)')
  .option('--count-column <name>', 'the trace\'s count column (default: one named count, or rate)')
  .option('--quiet', 'print nothing on stderr (no progress)')
  .action(async (file: string, flags: BacktestFlags) => emitResult((await import('./backtest.js')).backtestAction(file, flags), flags.quiet));

program
  .command('scaler')
  .description('the live scaler sidecar: reads arrivals (Prometheus, file, HTTP), runs a policy, publishes the warm-pool target (HTTP /targets and /metrics, KEDA gRPC, Kubernetes scale, stdout)')
  .requiredOption('--config <file>', 'scaler YAML config (see deploy/scaler.yaml)')
  .option('--set <key=value>', 'override a config key (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--dry-run', 'log Kubernetes patches instead of sending them')
  .option('--once', 'make one decision now, publish it and exit')
  .option('--replay', 'replay the file source on a simulated clock: one JSON line per decision, then exit')
  .action(async (flags: ScalerFlags) => (await import('./scaler.js')).scalerAction(flags));

program
  .command('calibrate')
  .description('build a scenario from a fleet\'s metrics (Prometheus query_range or CSV exports): arrivals as a trace (+ a fitted tide), distributions fitted to histogram buckets, capacity from gauges')
  .option('--prometheus <url>', 'read from this Prometheus (with --start and --end)')
  .option('--csv <file>', 'read from a CSV export (a row per step boundary; see the README)')
  .option('--start <time>', 'window start (UTC date-time or epoch seconds)')
  .option('--end <time>', 'window end')
  .option('--step <duration>', 'step of the series (default: the config\'s, 1m)')
  .option('--config <file>', 'calibrate config: profile (tidecast, agent-sandbox, openkruise), step, queries to override')
  .option('--set <key.path=value>', 'override a config key (repeatable)', collect, [])
  .option('--bearer-token-file <file>', 'a bearer token for Prometheus (re-read at each query)')
  .requiredOption('--out <file>', 'scenario YAML to write (its arrival trace goes beside it)')
  .option('--force', 'overwrite existing files')
  .option('--quiet', 'print nothing on stderr')
  .action(async (flags) => {
    const { calibrateAction } = await import('./calibrate.js');
    emitResult(await calibrateAction(flags), flags.quiet);
  });

simOptions(
  program
    .command('validate')
    .description('run a scenario over an observed window and judge it metric by metric (start-latency p50/p90/p99, warm-hit rate, overflow rate, reject rate, concurrency, pool level): exit 0 pass, 1 fail, 2 invalid input')
    .argument('<scenario>', 'scenario YAML file (e.g. from tidecast calibrate)')
    .requiredOption('--observed <csv|url>', 'the observed window: a CSV export, or a Prometheus URL (with --start and --end)')
    .option('--start <time>', 'window start, with a Prometheus URL')
    .option('--end <time>', 'window end, with a Prometheus URL')
    .option('--step <duration>', 'step of the series (default: the config\'s, 1m)')
    .option('--config <file>', 'calibrate config naming the queries or CSV columns')
    .option('--bearer-token-file <file>', 'a bearer token for Prometheus')
    .option('--tolerance-latency <pct>', 'largest relative difference of start-latency quantiles', '10%')
    .option('--tolerance-rate <points>', 'largest difference of rates, percentage points', '2')
    .option('--tolerance-level <pct>', 'largest relative difference of concurrency and pool levels (at least 1)', '10%')
    .option('--out <dir>', 'write validate.html (observed and simulated series overlaid), validate.json and the chart as SVG')
    .option('--format <format>', 'text or json', 'text'),
  'the scenario',
).action(async (file: string, flags) => {
  const { validateAction } = await import('./validate.js');
  const { progressBar } = await bars();
  const bar = progressBar('tidecast validate', !!flags.quiet);
  const out = await validateAction(file, flags, (d, n) => bar.update(d, n)).finally(() => bar.stop());
  emitResult(out, flags.quiet);
  process.exitCode = out.exitCode;
});

program
  .command('schema')
  .description('print the JSON Schema of scenario files (for editors: "# yaml-language-server: $schema=<file>" as a scenario\'s first line)')
  .action(async () => {
    process.stdout.write((await import('./schema.js')).schemaAction().stdout);
  });

const trace = program.command('trace').description('trace tools: import, synth, inspect');
trace
  .command('import')
  .description("convert a trace (per request, per interval, Azure Functions per-minute) to the project's time,count CSV")
  .argument('<file>', 'trace file')
  .requiredOption('--step <duration>', 'step of the output series, e.g. 1m')
  .option('--trace-format <format>', 'auto, requests, intervals or azure-functions (default auto)')
  .option('--time-column <name>', 'the trace\'s time column (default: the first)')
  .option('--count-column <name>', 'the trace\'s count column (default: one named count, or rate)')
  .option('--format <format>', 'deprecated: the old name of --trace-format')
  .option('--out <file>', 'write here instead of stdout')
  .option('--force', 'replace what --out already holds')
  .action(async (file: string, flags: { step: string; traceFormat?: string; format?: string; out?: string; force?: boolean; timeColumn?: string; countColumn?: string }) => {
    if (flags.format !== undefined) process.stderr.write('tidecast: trace import --format is deprecated (other commands call it --trace-format); use --trace-format\n');
    await emit((await import('./trace.js')).traceImport(file, flags), flags.out);
  });
trace
  .command('synth')
  .description('a seeded synthetic tidal trace (daily cycle, weekly pattern, growth, bursts, noise) as time,count')
  .requiredOption('--days <n>', 'length in days')
  .requiredOption('--step <duration>', 'step, e.g. 1m or 1h')
  .requiredOption('--peak <rate>', 'daily peak rate, e.g. 500/s')
  .requiredOption('--trough <rate>', 'daily trough rate, e.g. 60/s')
  .option('--peak-at <duration>', 'time of day of the peak', '14h')
  .option('--weekly <multipliers>', '7 multipliers, Monday first', '1,1,1,1,0.95,0.6,0.5')
  .option('--growth <fraction>', 'growth per day', '0.002')
  .option('--noise <sigma>', 'log-normal noise per 5-minute step', '0.05')
  .option('--burst-rate <rate>', 'how often bursts come', '4/d')
  .option('--burst-factor <x>', 'traffic multiplier in a burst', '1.5')
  .option('--seed <n>', 'random seed', '1')
  .option('--start <date>', 'start date (UTC)', '2026-01-05')
  .option('--out <file>', 'write here instead of stdout')
  .option('--force', 'replace what --out already holds')
  .action(async (flags: SynthFlags & { out?: string; force?: boolean }) => {
    await emit((await import('./trace.js')).traceSynth(flags), flags.out);
  });
trace
  .command('inspect')
  .description('span, rate statistics, peak-to-trough ratio, seasonal periods, and a chart')
  .argument('<file>', 'trace file')
  .option('--step <duration>', 'step to resample to', '1m')
  .option('--format <format>', 'text or json', 'text')
  .option('--html <file>', 'also write an HTML page with a vega-lite chart of the series')
  .option('--force', 'overwrite the --html file')
  .option('--trace-format <format>', 'auto, requests, intervals or azure-functions', 'auto')
  .option('--time-column <name>', 'the trace\'s time column (default: the first)')
  .option('--count-column <name>', 'the trace\'s count column (default: one named count, or rate)')
  .action(async (file: string, flags: { step: string; format?: string; html?: string; traceFormat?: string; timeColumn?: string; countColumn?: string }) => {
    process.stdout.write(await (await import('./trace.js')).traceInspect(file, flags));
  });

async function emit(text: string, out?: string): Promise<void> {
  if (out) {
    const { writeOutputs } = await import('./run.js');
    writeOutputs(dirname(out), { [basename(out)]: text });
    process.stderr.write(`tidecast: wrote ${out}\n`);
  } else process.stdout.write(text);
}

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
