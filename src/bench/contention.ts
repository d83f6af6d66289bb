import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../scenario/load.js';
import { runReplication } from '../sim/replication.js';
import { runReplications } from '../sim/runner.js';
import { prepareInputs } from '../workload/build.js';

/*
 * Bench rows of issue #19: the engine on a machine it does not have to itself (busy processes,
 * `taskset -c 0`), and tidecast against SimPy 2 on the same M/M/c model. Each run is a fresh
 * process, timed whole; conditions are interleaved A/B so a shared machine's drift hits both.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
/** What `tidecast` runs once installed (package.json `bin`): the bundle, which starts ~0.1–0.2 s faster than dist/cli/main.js's module graph. */
const BIN = join(ROOT, 'dist/bin/tidecast.js');
const KIMI_2H = ['run', join(ROOT, 'scenarios/kimi-peak.yaml'), '--set', 'duration=2h', '--set', 'warmup=10m', '--replications', '1', '--quiet', '--format', 'json'];

/** Starts `n` busy processes (`node -e 'for(;;){}'`); returns a function that stops them. */
function busyLoops(n: number): () => void {
  const kids: ChildProcess[] = [];
  for (let k = 0; k < n; k++) kids.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  return () => {
    for (const k of kids) k.kill('SIGKILL');
  };
}

/**
 * Wall seconds of one whole process, its CPU seconds (user + system, all its threads, through
 * GNU time when /usr/bin/time exists, else NaN), and its JSON output.
 */
function timed(cmd: string, args: string[]): { wallS: number; cpuS: number; out: Record<string, unknown> } {
  const gnuTime = existsSync('/usr/bin/time');
  const cpuFile = join(tmpdir(), `tidecast-bench-cpu-${process.pid}`);
  const t0 = performance.now();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  let cpuS = NaN;
  if (gnuTime) {
    const [u, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cpuS = u + sys;
    rmSync(cpuFile, { force: true });
  }
  return { wallS, cpuS, out: JSON.parse(r.stdout) as Record<string, unknown> };
}

const f = (x: number, d = 2) => x.toLocaleString('en-US', { maximumFractionDigits: d });

/** kimi-peak 2 h, default against `--workers 0`, `pairs` interleaved pairs, optionally under `prefix` (taskset). */
function pairRuns(pairs: number, prefix: string[] = []): { def: number[]; single: number[] } {
  const def: number[] = [];
  const single: number[] = [];
  const cmd = prefix.length > 0 ? prefix[0] : process.execPath;
  const pre = prefix.length > 0 ? [...prefix.slice(1), process.execPath] : [];
  for (let k = 0; k < pairs; k++) {
    // alternate which goes first, so neither always meets the same moment of a drifting machine
    const order = k % 2 === 0 ? [false, true] : [true, false];
    for (const w0 of order) {
      const r = timed(cmd, [...pre, CLI, ...KIMI_2H, ...(w0 ? ['--workers', '0'] : [])]);
      (w0 ? single : def).push(r.wallS);
    }
  }
  return { def, single };
}

function report(label: string, r: { def: number[]; single: number[] }): void {
  // the fastest run of each is the least disturbed by the machine's other work; the mean is shown too
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `  ${label}: default ${r.def.map((x) => f(x, 1)).join(' / ')} s, --workers 0 ${r.single.map((x) => f(x, 1)).join(' / ')} s; ` +
      `default / single-thread = ${f(Math.min(...r.def) / Math.min(...r.single))}× (fastest of each), ${f(mean(r.def) / mean(r.single))}× (means)  [target ≤ 1.1×]`,
  );
}

/** Whether a child's `droppedAtS` says the helper was dropped: NaN (never) crosses JSON as null, and `null >= 0` is true. */
const dropped = (x: number | null): boolean => typeof x === 'number' && x >= 0;

/**
 * The contention rows: kimi-peak 2 h (`--set duration=2h --set warmup=10m --replications 1`),
 * whole `tidecast run` processes, default against `--workers 0`: with one busy process per
 * core, pinned to one CPU (`taskset -c 0`), and as the machine is; then, with the busy
 * processes, the helper forced on (the engine's own account should drop it mid-run; in a run this
 * short it may keep it to the end: it goes part-way only after 500 ms of waits).
 */
export function contentionRows(child: (kind: string) => Record<string, number>): void {
  const cores = availableParallelism();
  console.log(`kimi-peak 2 h (--set duration=2h --set warmup=10m --replications 1), whole process, interleaved pairs; load average now ${loadavg().map((x) => f(x, 1)).join(' ')}:`);
  const stop = busyLoops(cores);
  try {
    report(`${cores} busy processes (one per core)`, pairRuns(3));
    const a = child('kimi-2h-auto');
    console.log(`  ${cores} busy processes, what the default chose (in-process run): helper ${a.used ? `used${!dropped(a.droppedAtS) ? ', kept to the end' : `, dropped at t = ${f(a.droppedAtS, 0)} s`}; main waited ${f(a.waitedS, 2)} s` : 'not used'}, ${f(a.wallSeconds, 1)} s`);
    // forced helper on a busy machine: the wait-versus-saving account drops it
    const h = child('kimi-2h-helper');
    const n = child('kimi-2h-inthread');
    console.log(
      `  ${cores} busy processes, helper forced on: ${f(h.wallSeconds, 1)} s (dropped at t = ${!dropped(h.droppedAtS) ? 'never' : `${f(h.droppedAtS, 0)} s of 7,200`}, ` +
        `main waited ${f(h.waitedS, 2)} s in all) against ${f(n.wallSeconds, 1)} s without it; same events: ${h.events === n.events ? 'yes' : 'NO'}`,
    );
  } finally {
    stop();
  }
  const tasksetOk = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  if (tasksetOk) report('taskset -c 0 (one CPU: no helper)', pairRuns(3, ['taskset', '-c', '0']));
  else console.log('  taskset -c 0: taskset not available, skipped');
  report(`as the machine is (load average ${loadavg().map((x) => f(x, 1)).join(' ')})`, pairRuns(3));
}

/** One replication of the 2-hour kimi-peak slice with the helper forced on (or off), in this process. */
export function helperDropCase(helper: boolean | 'auto'): Record<string, number> {
  const s = loadScenario(join(ROOT, 'scenarios/kimi-peak.yaml'), ['duration=2h', 'warmup=10m', 'replications=1']);
  const t0 = performance.now();
  const r = runReplication(s, prepareInputs(s), 0, { helper });
  return { wallSeconds: (performance.now() - t0) / 1000, events: r.events, used: r.helper.used ? 1 : 0, droppedAtS: r.helper.droppedAtS, waitedS: r.helper.waitedS };
}

/**
 * The M/M/c 1M-customer run in this process (a fresh one, so the JIT is as cold as in
 * `tidecast run`), through `runReplications` as the CLI calls it. `loopWallS`/`loopCpuS`: the
 * event loop alone, as SimPy's `simulate()` is timed (the replication's own span: the fleet's
 * start to the last event; CPU of every thread); `runsWallS`/`runsCpuS`: all of
 * `runReplications` (the engine and fleet built, the loop, the figures gathered), which the
 * CLI's summary reports as `engine.wallSeconds`.
 */
export async function mmcLoopCase(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tidecast-mmc-'));
  try {
    const yaml = join(dir, 'mmc-1m.yaml');
    writeFileSync(yaml, MMC_1M_YAML);
    const s = loadScenario(yaml, []);
    const inputs = prepareInputs(s, yaml);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runReplications(s, inputs);
    const c = process.cpuUsage(c0);
    return { runsWallS: (performance.now() - t0) / 1000, runsCpuS: (c.user + c.system) / 1e6, loopWallS: r[0].wallSeconds, loopCpuS: r[0].cpuSeconds, events: r[0].events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** M/M/c with ~1M customers: c = 100, λ = 80/s, mean service 1 s, 12,500 s. */
const MMC_1M = { rate: 80, meanS: 1, servers: 100, untilS: 12_500 };
const MMC_1M_YAML = `name: mmc-1m
duration: ${MMC_1M.untilS}
replications: 1
workload:
  arrivals: { poisson: { rate: ${MMC_1M.rate}/s } }
  sessionDuration: { exponential: { mean: ${MMC_1M.meanS}s } }
infrastructure:
  reserved: { slots: ${MMC_1M.servers} }
`;

/**
 * tidecast against SimPy 2 (Debian python3-simpy, `/usr/bin/python3`) on M/M/c with 1M
 * customers, run in one go, tidecast before and after SimPy (so drift hits both). Whole process:
 * wall and CPU time of each `tidecast run` process (the bundle `bin` points at, as installed; one run from dist/cli/main.js is shown beside it). Loop, timed alike on both sides: SimPy's
 * `simulate()` (the model built before it is not timed) against tidecast's event loop (the
 * replication's span from the fleet's start to the last event, in a fresh process through
 * `runReplications` as the CLI calls it: cold JIT; `mmcLoopCase`); tidecast's whole
 * `runReplications` (engine and fleet built, figures gathered) is shown beside it.
 */
export function simpyRow(child: (kind: string) => Record<string, number>): void {
  const py = '/usr/bin/python3';
  const script = join(ROOT, 'src/bench/mmc_simpy.py');
  const dir = mkdtempSync(join(tmpdir(), 'tidecast-mmc-'));
  try {
    const yaml = join(dir, 'mmc-1m.yaml');
    writeFileSync(yaml, MMC_1M_YAML);
    const tc = (entry = BIN) => {
      const r = timed(process.execPath, [entry, 'run', yaml, '--quiet', '--format', 'json']);
      const e = r.out.engine as { wallSeconds: number; events: number };
      return { wallS: r.wallS, cpuS: r.cpuS, loopS: e.wallSeconds, events: e.events, sessions: (r.out.sessions as { arrived: number }).arrived };
    };
    const a = tc();
    const probe = spawnSync(py, ['-c', 'import SimPy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log(`M/M/c 1M customers vs SimPy: SimPy 2 not importable by ${py} (apt install python3-simpy), skipped; tidecast whole ${f(a.wallS)} s, runReplications ${f(a.loopS)} s`);
      return;
    }
    const la = child('mmc-1m-loop');
    const sp = timed(py, [script, String(MMC_1M.rate), String(MMC_1M.meanS), String(MMC_1M.servers), String(MMC_1M.untilS), '1']);
    const b = tc();
    const lb = child('mmc-1m-loop');
    const m = tc(CLI);
    const bare = child('mmc-1m-bare');
    const spLoop = sp.out.loopSeconds as number;
    const spLoopCpu = sp.out.loopCpuSeconds as number;
    const whole = (a.wallS + b.wallS) / 2;
    const loopWall = (la.loopWallS + lb.loopWallS) / 2;
    const loopCpu = (la.loopCpuS + lb.loopCpuS) / 2;
    console.log(
      `M/M/c (c = 100, λ = 80/s, 12,500 s: ${f(sp.out.arrived as number, 0)} customers in SimPy, ${f(a.sessions, 0)} in tidecast) against SimPy 2; load average ${loadavg().map((x) => f(x, 1)).join(' ')}:\n` +
        `  whole process, wall: tidecast ${f(a.wallS)} / ${f(b.wallS)} s, SimPy ${f(sp.wallS)} s → ${f(sp.wallS / whole, 1)}×  [target ≥ 10×]; ` +
        `CPU: tidecast ${f(a.cpuS)} / ${f(b.cpuS)} s, SimPy ${f(sp.cpuS)} s → ${f(sp.cpuS / ((a.cpuS + b.cpuS) / 2), 1)}× ` +
        `(\`tidecast\` as installed: dist/bin/tidecast.js; from dist/cli/main.js instead: wall ${f(m.wallS)} s, CPU ${f(m.cpuS)} s → ${f(sp.wallS / m.wallS, 1)}× / ${f(sp.cpuS / m.cpuS, 1)}×)\n` +
        `  loop (SimPy's simulate(); tidecast's run from the fleet's start to the last event, cold process), wall: tidecast ${f(la.loopWallS)} / ${f(lb.loopWallS)} s, SimPy ${f(spLoop)} s → ${f(spLoop / loopWall, 1)}×  [target ≥ 30×]; ` +
        `CPU: tidecast ${f(la.loopCpuS)} / ${f(lb.loopCpuS)} s, SimPy ${f(spLoopCpu)} s → ${f(spLoopCpu / loopCpu, 1)}×\n` +
        `  tidecast's runReplications whole (engine and fleet built, the loop, figures gathered): wall ${f(la.runsWallS)} / ${f(lb.runsWallS)} s (CLI summary: ${f(a.loopS)} / ${f(b.loopS)} s) → ${f(spLoop / ((la.runsWallS + lb.runsWallS) / 2), 1)}×, ` +
        `CPU ${f(la.runsCpuS)} / ${f(lb.runsCpuS)} s → ${f(spLoopCpu / ((la.runsCpuS + lb.runsCpuS) / 2), 1)}×\n` +
        `  the engine's floor (src/bench/bareMmc.ts: the same M/M/c straight on the engine, no fleet model; not a product path): wall ${f(bare.loopWallS)} s → ${f(spLoop / bare.loopWallS, 1)}×, CPU ${f(bare.loopCpuS)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
