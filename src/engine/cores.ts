import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/*
 * How many cores this process can really use: the CPUs it may run on (`os.availableParallelism()`
 * follows `taskset`), capped by a cgroup CPU quota (a Kubernetes pod's CPU limit), and — for the
 * engine's helper thread — how many of them are idle right now. Shared CI runners, laptops with
 * a browser open and CPU-limited pods are the normal case: a helper thread that must wait for a
 * core it does not get made a 2-hour kimi-peak slice 62–76 s instead of 5.7–7.4 s (issue #19).
 * The parsers are pure; the readers only read /proc and /sys (absent files: no limit known).
 */

/** The CPU quota in cores from cgroup v2 `cpu.max` ("max 100000" or "150000 100000"): Infinity when unlimited. */
export function parseCpuMax(text: string): number {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return Infinity;
  const q = Number(quota);
  const p = Number(period ?? 100000);
  return q > 0 && p > 0 ? q / p : Infinity;
}

/** The CPU quota in cores from cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` (quota −1: Infinity). */
export function parseCfsQuota(quotaUs: string, periodUs: string): number {
  const q = Number(quotaUs.trim());
  const p = Number(periodUs.trim());
  return q > 0 && p > 0 ? q / p : Infinity;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The tightest CPU quota (in cores) on this process's cgroup and its ancestors, v2 or v1;
 * Infinity when none is set or none can be read. `root` is the cgroup mount (for tests).
 */
export function cgroupCpuQuota(root = '/sys/fs/cgroup', selfCgroup = read('/proc/self/cgroup') ?? ''): number {
  let quota = Infinity;
  // cgroup v2: "0::/path"; v1: "N:cpu,cpuacct:/path" (or "N:cpu:/path")
  for (const line of selfCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, controllers, path] = m;
    const v2 = controllers === '';
    if (!v2 && !controllers.split(',').includes('cpu')) continue;
    // inside a container the path may be the host's: try it and each ancestor (down to the mount itself)
    const parts = path.split('/').filter((x) => x !== '');
    const mounts = v2 ? [root, `${root}/unified`] : [`${root}/cpu`, `${root}/cpu,cpuacct`, `${root}/cpuacct,cpu`];
    for (const mount of mounts) {
      for (let n = parts.length; n >= 0; n--) {
        const dir = [mount, ...parts.slice(0, n)].join('/');
        if (v2) {
          const t = read(`${dir}/cpu.max`);
          if (t !== null) quota = Math.min(quota, parseCpuMax(t));
        } else {
          const q = read(`${dir}/cpu.cfs_quota_us`);
          const p = read(`${dir}/cpu.cfs_period_us`);
          if (q !== null && p !== null) quota = Math.min(quota, parseCfsQuota(q, p));
        }
      }
    }
  }
  return quota;
}

let cachedUsable = 0;

/**
 * Cores this process may use: `os.availableParallelism()` (the CPUs it may run on), capped by
 * the cgroup quota rounded down (a pod limited to 1.5 CPUs gets 1: a second busy thread would be
 * throttled), at least 1. Worker pools size themselves by it.
 */
export function usableCores(): number {
  if (cachedUsable === 0) cachedUsable = Math.max(1, Math.min(availableParallelism(), Math.floor(cgroupCpuQuota() + 1e-6)));
  return cachedUsable;
}

/** The CPUs listed in /proc/self/status `Cpus_allowed_list` ("0-3,6"): null when unknown. */
export function parseCpuList(text: string): Set<number> | null {
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(text);
  if (!m) return null;
  const cpus = new Set<number>();
  for (const part of m[1].split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let c = a; c <= (b ?? a); c++) cpus.add(c);
  }
  return cpus;
}

/** Per CPU of /proc/stat: [busy, total] jiffies (idle and iowait count as not busy). */
export function parseProcStat(text: string): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3] + (f[4] ?? 0);
    out.set(Number(m[1]), [total - idle, total]);
  }
  return out;
}

/**
 * Idle cores among `cpus` (null: all) between two /proc/stat samples: the sum of each CPU's
 * idle share. NaN when the samples show no time passing.
 */
export function idleCores(before: Map<number, [number, number]>, after: Map<number, [number, number]>, cpus: Set<number> | null): number {
  let idle = 0;
  let seen = 0;
  for (const [c, [busy1, total1]] of after) {
    if (cpus && !cpus.has(c)) continue;
    const b = before.get(c);
    if (!b) continue;
    const dt = total1 - b[1];
    if (dt <= 0) continue;
    idle += 1 - Math.min(1, Math.max(0, (busy1 - b[0]) / dt));
    seen++;
  }
  return seen === 0 ? NaN : idle;
}

/** Sleeps this thread for `ms` (no event loop needed: the sample runs before a run starts). */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Cores idle on the CPUs this process may run on, over a sample of `sampleMs` during which this
 * thread sleeps (so its own work does not count), capped by the usable cores. Linux /proc/stat
 * ticks every 10 ms, so 30 ms gives each CPU's idle share to about ±1/3 — enough to tell a free
 * core from a busy one. NaN when /proc/stat cannot be read (not Linux): no load figure.
 */
export function freeCores(sampleMs = 30): number {
  const stat1 = read('/proc/stat');
  if (stat1 === null) return NaN;
  sleepMs(sampleMs);
  const stat2 = read('/proc/stat') ?? '';
  const idle = idleCores(parseProcStat(stat1), parseProcStat(stat2), parseCpuList(read('/proc/self/status') ?? ''));
  return Math.min(usableCores(), idle);
}

/**
 * Whether an engine helper thread (src/engine/helper.ts) has a core of its own: at least two
 * usable cores and, on Linux, about two idle (main's and the helper's; 1.6 leaves room for the
 * sampling noise). The run still watches the helper's waits and drops it when it costs more
 * than it saves (src/engine/helper.ts), so this is a first guess, not the last word.
 */
export function helperCoreFree(): boolean {
  if (usableCores() < 2) return false;
  const free = freeCores();
  return Number.isNaN(free) || free >= 1.6;
}
