import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgroupCpuQuota, idleCores, parseCfsQuota, parseCpuList, parseCpuMax, parseProcStat, usableCores } from '../../src/engine/cores.js';
import { helperCostsMore } from '../../src/engine/helper.js';

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
});
