import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * CLI start-up (issue #19): wall time of `tidecast --version` and of `tidecast run` (the bundle
 * package.json's `bin` points at, dist/bin/tidecast.js; see src/build/bundleCli.ts) on a scenario
 * with next to no work (default.yaml cut to one simulated minute, one replication, in-thread: ~300
 * sessions, < 5 ms of simulation), so what is measured is the start-up before the simulation
 * begins plus the print. Bare `node -e 0` is timed alongside, interleaved, because on a shared
 * machine node's own start varies from 40 to 300 ms. Medians of `rounds` runs each, and the
 * children's mean CPU time (user + system, from /proc; steadier than wall time when cores are busy).
 */
export function startupBench(rounds = 9): Record<'nodeMs' | 'versionMs' | 'runMs' | 'nodeCpuMs' | 'versionCpuMs' | 'runCpuMs', number> {
  const cli = fileURLToPath(new URL('../bin/tidecast.js', import.meta.url));
  const scenario = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url));
  const cases: Record<'nodeMs' | 'versionMs' | 'runMs', string[]> = {
    nodeMs: ['-e', '0'],
    versionMs: [cli, '--version'],
    runMs: [cli, 'run', scenario, '--set', 'duration=1m', '--set', 'warmup=0', '--set', 'output.interval=1m', '--replications', '1', '--workers', '0', '--quiet'],
  };
  const times: Record<string, number[]> = { nodeMs: [], versionMs: [], runMs: [] };
  const cpu: Record<string, number> = { nodeMs: 0, versionMs: 0, runMs: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const [k, args] of Object.entries(cases)) {
      const c0 = childCpuMs();
      const t0 = performance.now();
      const p = spawnSync(process.execPath, args, { encoding: 'utf8' });
      times[k].push(performance.now() - t0);
      cpu[k] += (childCpuMs() - c0) / rounds;
      if (p.status !== 0) throw new Error(`startup bench: ${args.join(' ')} exited ${p.status}: ${p.stderr}`);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return {
    nodeMs: median(times.nodeMs), versionMs: median(times.versionMs), runMs: median(times.runMs),
    nodeCpuMs: cpu.nodeMs, versionCpuMs: cpu.versionMs, runCpuMs: cpu.runMs,
  };
}

/** CPU time of this process's waited-for children, ms (cutime + cstime of /proc/self/stat, 10 ms ticks); NaN off Linux. */
function childCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // fields 16 and 17, counted from the state field (3)
  } catch {
    return NaN;
  }
}

/** The bench row. */
export function startupRow(): string {
  const s = startupBench();
  const f = (x: number) => x.toFixed(0);
  return (
    `CLI start-up (wall, median of 9, interleaved; mean CPU in brackets): tidecast --version ${f(s.versionMs)} ms (${f(s.versionCpuMs)}), ` +
    `tidecast run (1 simulated minute, in-thread) ${f(s.runMs)} ms (${f(s.runCpuMs)}); bare node -e 0 ${f(s.nodeMs)} ms (${f(s.nodeCpuMs)})  [targets ≤ 150 ms, ≤ 300 ms]`
  );
}
