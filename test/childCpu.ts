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
