import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used by this process's children that have exited and been reaped:
 * fields 16–17 (cutime, cstime) of /proc/self/stat, in USER_HZ ticks (100 a second on Linux).
 * A spawnSync'd child is reaped before spawnSync returns, so the difference around it is that
 * child's CPU time, worker threads included. Unlike wall time it does not grow with how busy the
 * machine is, so a test can bound a command's cost on a crowded CI runner. Undefined off Linux.
 */
export function childCpuSeconds(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // the command name (field 2) may hold spaces: count fields after its closing parenthesis (field 3 on)
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/**
 * The bound on a test's CPU time given its measured cost in seconds: 4× + 2 s (a slower CPU, caches
 * shared with busy neighbours: on a load average of 18–23 the same runs took 1.3× the CPU they take
 * on a quieter machine). CPU time does not grow with the machine's load, so this is the check on
 * cost; code grown 4× costlier fails it.
 */
export const cpuBound = (costS: number): number => 4 * costS + 2;

/**
 * The wall-clock guard against a hang, in ms, for work of a given CPU cost in seconds: 20× + 60 s.
 * Wall time is the machine's, not the code's: with a load average of 20 on 2 cores a process gets
 * ~0.1 core (10× its CPU time), and vitest runs 2 files at once; the guard only stops what never ends.
 */
export const wallGuardMs = (costS: number): number => (20 * costS + 60) * 1000;
