import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 400_000 });

describe('tidecast size', () => {
  // Issue 20's Done-when: on default.yaml it returns a setting that check passes, cheaper than the
  // scenario as written, with its margins. About 20 runs of default (75 s on a shared 2-core VM).
  it('finds a cheaper setting of default.yaml that check passes, with margins', () => {
    const r = tidecast('size', 'scenarios/default.yaml', '--format', 'json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.searched).toEqual(['infrastructure.reserved.slots', 'infrastructure.warmPool.size', 'infrastructure.overflow.queueThreshold']);
    expect(j.cost.chosen).toBeLessThan(j.cost.asWritten);
    expect(j.cost.asWritten).toBeCloseTo(182.08, 1);
    expect(j.confirmed.passes).toBe(true);
    expect(j.confirmed.replications).toBe(6);
    for (const b of j.budgets) {
      expect(b.verdict).toBe('pass');
      expect(b.intervalMargin).toBeGreaterThan(0);
      expect(b.margin).toBeGreaterThanOrEqual(b.intervalMargin);
    }
    const c = tidecast('check', 'scenarios/default.yaml', ...j.sets.flatMap((x: string) => ['--set', x]), '--format', 'json', '--quiet');
    expect(c.status, c.stdout + c.stderr).toBe(0);
    const verdicts = JSON.parse(c.stdout).budgets.map((b: { verdict: string }) => b.verdict);
    expect(verdicts).toEqual(['pass', 'pass']);
  }, 400_000);

  it('refuses a scenario without budgets, in one line', () => {
    const r = tidecast('size', 'scenarios/kimi-core.yaml', '--set', 'budgets={}', '--quiet');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no budgets/);
  });
});
