import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupCpuQuota, coresFor, idleCores, parseCfsQuota, parseCpuList, parseCpuMax, parseProcStat, usableCores } from '../../src/engine/cores.js';
import { KEEP_SHARE, LOSING_WINDOWS, helperCostsMore, helperVerdict, losingStreak, worthKeeping } from '../../src/engine/helper.js';

describe('cores this process can use', () => {
  const root = mkdtempSync(join(tmpdir(), 'tidecast-cgroup-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('reads a cgroup v2 cpu.max and a v1 CFS quota as cores', () => {
    expect(parseCpuMax('max 100000\n')).toBe(Infinity);
    expect(parseCpuMax('100000 100000\n')).toBe(1);
    expect(parseCpuMax('150000 100000')).toBe(1.5);
    expect(parseCpuMax('50000')).toBe(0.5); // period defaults to 100 ms
    expect(parseCfsQuota('-1\n', '100000\n')).toBe(Infinity);
    expect(parseCfsQuota('200000', '100000')).toBe(2);
  });

  it("takes the tightest quota on the process's cgroup and its ancestors (v2), or the v1 cpu controller's", () => {
    put('cpu.max', 'max 100000\n');
    put('kubepods/cpu.max', '400000 100000\n');
    put('kubepods/pod1/cpu.max', '100000 100000\n'); // a pod limited to 1 CPU
    expect(cgroupCpuQuota(root, '0::/kubepods/pod1\n')).toBe(1);
    expect(cgroupCpuQuota(root, '0::/kubepods\n')).toBe(4);
    expect(cgroupCpuQuota(root, '0::/\n')).toBe(Infinity);
    put('cpu,cpuacct/docker/abc/cpu.cfs_quota_us', '150000\n');
    put('cpu,cpuacct/docker/abc/cpu.cfs_period_us', '100000\n');
    expect(cgroupCpuQuota(root, '4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n')).toBe(1.5);
    expect(cgroupCpuQuota(join(root, 'nothing-here'), '0::/x\n')).toBe(Infinity);
  });

  it('a pod limited to 1 CPU (or 1.5) gets 1 worker; an unlimited one gets its CPUs; never 0', () => {
    expect(coresFor(8, 1)).toBe(1);
    expect(coresFor(8, 1.5)).toBe(1);
    expect(coresFor(8, 2)).toBe(2);
    expect(coresFor(2, Infinity)).toBe(2);
    expect(coresFor(2, 0.25)).toBe(1);
    expect(coresFor(4, 3.9999999)).toBe(4);
  });

  it('usable cores are at least 1 and at most the CPUs allowed', async () => {
    const { availableParallelism } = await import('node:os');
    expect(usableCores()).toBeGreaterThanOrEqual(1);
    expect(usableCores()).toBeLessThanOrEqual(availableParallelism());
  });

  it('counts idle cores between two /proc/stat samples, on the allowed CPUs only', () => {
    const a = parseProcStat('cpu  300 0 0 300 0 0 0 0 0 0\ncpu0 100 0 0 200 0 0 0 0 0 0\ncpu1 200 0 0 100 0 0 0 0 0 0\n');
    // cpu0: 100 jiffies, 10 busy (0.9 idle); cpu1: 100 jiffies, all busy (0 idle, counting steal as busy)
    const b = parseProcStat('cpu  0\ncpu0 105 0 5 280 10 0 0 0 0 0\ncpu1 290 0 0 100 0 0 0 10 0 0\n');
    expect(idleCores(a, b, null)).toBeCloseTo(0.9, 12);
    expect(idleCores(a, b, new Set([1]))).toBe(0);
    expect(idleCores(a, a, null)).toBeNaN();
    expect(parseCpuList('Name:\tnode\nCpus_allowed_list:\t0-2,5\n')).toEqual(new Set([0, 1, 2, 5]));
    expect(parseCpuList('nothing')).toBeNull();
  });

  it("drops the helper when main's waits for it outweigh what it saved, and not for a few ms of noise", () => {
    expect(helperCostsMore(0.004, 0)).toBe(false);
    expect(helperCostsMore(0.02, 0.05)).toBe(false);
    expect(helperCostsMore(0.06, 0.05)).toBe(true);
  });

  it('judges a window part-way, and the first whole window, only when the waits fill half of it (warm-up or a burst before the saving is counted is not enough)', () => {
    // the Kimi day's first window, quiet: 30 ms of waits in the first 100 ms, 20 ms saved so far — the whole window saved 117 ms against 65
    expect(helperVerdict(0.03, 0.02, 0.1, false)).toBe(false);
    expect(helperVerdict(0.065, 0.117, 0.5, true)).toBe(false);
    // at a later window's end the waits outweigh the saving, and did at the window's before: dropped
    expect(helperVerdict(0.065, 0.05, 0.5, true, false, 2)).toBe(true);
    // the leaner model's first window after the grace, quiet: 125 ms of waits at 308 ms, 187 ms
    // against 106 ms saved at its end (warm-up; every later window saved 146–240 ms against
    // 5–67 ms): kept, where dropping it cost the day 27.7–29.2 s against 16.9–19.0 s
    expect(helperVerdict(0.125, 0.043, 0.308, false, true)).toBe(false);
    expect(helperVerdict(0.187, 0.106, 0.5, true, true)).toBe(false);
    // ... and the second window's end judges both: 254 ms of waits against 315 ms saved, kept
    expect(helperVerdict(0.254, 0.315, 1.0, true, false, losingStreak(0, 0.067, 0.209, false))).toBe(false);
    // no core for the helper: waits fill most of the time, dropped part-way once they pass 500 ms
    // (half of two windows), in the second window or at once if the first already waited that long
    expect(helperVerdict(0.55, 0.01, 0.7, false)).toBe(true);
    expect(helperVerdict(0.51, 0.01, 0.3, false)).toBe(true);
    expect(helperVerdict(0.6, 0.05, 0.52, true, true)).toBe(true);
    // a spell of 600 ms with one busy process per core (the Kimi day, 15:13): 250 ms of waits in
    // a window dropped a helper that kept would have made the day 13 s against 24-25 s: kept now
    expect(helperVerdict(0.3, 0.01, 0.4, false)).toBe(false);
    expect(helperVerdict(0.26, 0.01, 0.1, false)).toBe(false);
    expect(helperVerdict(0.4, 0.05, 0.5, true, true)).toBe(false);
    // waits that fill half but are outweighed by the saving never drop it
    expect(helperVerdict(0.5, 0.6, 0.8, false)).toBe(false);
    expect(helperVerdict(0.004, 0, 0.01, true)).toBe(false);
  });

  it('drops the helper at a window\'s end only after LOSING_WINDOWS whole windows in a row lost on their own figures (one slow spell of a shared VM is not enough)', () => {
    expect(LOSING_WINDOWS).toBe(2);
    // one slow window (waits 120 ms against 60 ms saved) between windows that save: kept throughout
    let lost = 0;
    const windows: [number, number][] = [[0.02, 0.2], [0.12, 0.06], [0.03, 0.21], [0.12, 0.06], [0.02, 0.2]];
    for (const [w, s] of windows) {
      lost = losingStreak(lost, w, s, false);
      expect(lost).toBeLessThan(LOSING_WINDOWS);
    }
    // the slow window's waits are judged once: the next window's own figures reset the streak
    expect(losingStreak(1, 0.03, 0.21, false)).toBe(0);
    // two losing windows in a row (the helper lost its core but still answers within the window): dropped at the second's end
    lost = losingStreak(0, 0.12, 0.06, false);
    expect(helperVerdict(0.14, 0.26, 1.0, true, false, lost)).toBe(false);
    lost = losingStreak(lost, 0.13, 0.05, false);
    expect(helperVerdict(0.25, 0.11, 1.0, true, false, lost)).toBe(true);
    // the first window is warm-up: never counted as lost
    expect(losingStreak(0, 0.187, 0.106, true)).toBe(0);
    // and a helper with no core at all still goes part-way, without waiting for a second window's end
    expect(helperVerdict(0.7, 0.01, 0.8, false, false, 0)).toBe(true);
  });

  it('keeps a helper that saved well through a losing streak while the streak costs less than half of what the rest of the run would save (ski rental)', () => {
    expect(KEEP_SHARE).toBe(0.5);
    // the Kimi day: 5 s in, a third done, the helper saving 0.8 s a wall second before the spell:
    // the rest (~10 s) would save ~8 s, so a spell may cost up to ~4 s before the helper goes
    expect(worthKeeping(2, 0.8, 5, 1 / 3)).toBe(true);
    expect(worthKeeping(3.9, 0.8, 5, 1 / 3)).toBe(true);
    expect(worthKeeping(4.1, 0.8, 5, 1 / 3)).toBe(false);
    // contention that stays: the loss grows and the run's rest shrinks, so it goes (here by 80% done)
    expect(worthKeeping(1.5, 0.8, 12, 0.8)).toBe(false);
    // near the end little is left to save: a short spell drops it
    expect(worthKeeping(0.5, 0.8, 13, 0.95)).toBe(false);
    // a helper that never saved (no core from the start), or a run of unknown length: the other rules alone
    expect(worthKeeping(0.01, 0, 5, 0.3)).toBe(false);
    expect(worthKeeping(0.01, -0.2, 5, 0.3)).toBe(false);
    expect(worthKeeping(0.01, 0.8, 5, NaN)).toBe(false);
    expect(worthKeeping(0.01, 0.8, 5, 1.2)).toBe(false);
  });
});
