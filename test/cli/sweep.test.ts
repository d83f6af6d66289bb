import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'tidecast-sweep-'));
const GRID = ['--vary', 'infrastructure.warmPool.size=10,20,40', '--vary', 'infrastructure.reserved.slots=940..980:20', '--set', 'duration=1h', '--set', 'warmup=5m', '--replications', '2', '--quiet'];
const csv = (d: string, f = 'sweep.csv') => readFileSync(join(d, f), 'utf8');

describe('tidecast sweep', () => {
  it('gives the same results on 2 workers as on 1 (and in this thread)', () => {
    for (const w of ['2', '1', '0']) expect(tidecast('sweep', 'scenarios/default.yaml', ...GRID, '--workers', w, '--out', join(dir, `w${w}`)).status).toBe(0);
    const one = csv(join(dir, 'w1'));
    expect(one.trim().split('\n')).toHaveLength(1 + 9);
    expect(csv(join(dir, 'w2'))).toBe(one);
    expect(csv(join(dir, 'w0'))).toBe(one);
    // more warm pool and more slots never hurt the warm-hit rate (common random numbers)
    const rows = one.trim().split('\n').slice(1).map((l) => l.split(','));
    const hit = (size: string, slots: string) => Number(rows.find((r) => r[1] === size && r[2] === slots)![3]);
    expect(hit('40', '980')).toBeGreaterThanOrEqual(hit('10', '980'));
    expect(hit('20', '980')).toBeGreaterThanOrEqual(hit('20', '940'));
  });

  it('sharded and merged equals unsharded', () => {
    const shards = ['0/3', '1/3', '2/3'].map((s) => {
      const r = tidecast('sweep', 'scenarios/default.yaml', ...GRID, '--shard', s, '--out', join(dir, 'sharded'));
      expect(r.status, r.stderr).toBe(0);
      return join(dir, 'sharded', `sweep.shard-${s.replace('/', '-of-')}.csv`);
    });
    const merged = join(dir, 'merged.csv');
    expect(tidecast('merge', ...shards, '--out', merged).status).toBe(0);
    const whole = join(dir, 'whole');
    expect(tidecast('sweep', 'scenarios/default.yaml', ...GRID, '--out', whole).status).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(csv(whole));
  });

  it('resumes an interrupted sweep from its CSV', () => {
    const d = join(dir, 'resume');
    expect(tidecast('sweep', 'scenarios/default.yaml', ...GRID, '--out', d).status).toBe(0);
    const full = csv(d);
    // keep the header and three rows, plus a half-written line, as a crash would leave it
    const lines = full.trim().split('\n');
    writeFileSync(join(d, 'sweep.csv'), [...lines.slice(0, 4), lines[5].slice(0, 20)].join('\n') + '\n');
    const r = spawnSync(process.execPath, [CLI, 'sweep', 'scenarios/default.yaml', ...GRID.filter((x) => x !== '--quiet'), '--out', d], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/resuming: 3 of 9 points already in/);
    expect(csv(d)).toBe(full);
  });

  it('samples random points, seeded, and refuses bad input before running', () => {
    const a = tidecast('sweep', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=5..50', '--samples', '4', '--set', 'duration=30m', '--set', 'warmup=0', '--out', join(dir, 's1'));
    const b = tidecast('sweep', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=5..50', '--samples', '4', '--set', 'duration=30m', '--set', 'warmup=0', '--out', join(dir, 's2'));
    expect(a.status, a.stderr).toBe(0);
    expect(csv(join(dir, 's1'))).toBe(csv(join(dir, 's2')));
    const bad = tidecast('sweep', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=10,-1');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('tidecast: --vary infrastructure.warmPool.size=10,-1 (value 2, "-1"): infrastructure.warmPool.size: expected a non-negative integer, got -1');
    expect(tidecast('sweep', 'scenarios/default.yaml', '--vary', 'x=1', '--shard', '3/3').stderr).toMatch(/--shard: expected i\/n/);
  });
});
