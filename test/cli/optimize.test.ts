import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childCpuSeconds, cpuBound, wallGuardMs } from '../cpuBudget.js';

/**
 * CPU seconds of this test's two commands (optimize, then check), measured 2026-12-02 02:40 UTC: 35.7 s
 * for the whole vitest run of this file (32.5 user + 3.2 system). Bounded by CPU time; the wall-clock
 * guard (20× + 60 s) only stops a hang on a crowded machine.
 */
const COST_S = 36;
const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: wallGuardMs(COST_S) });

describe('tidecast optimize', () => {
  it('on the default scenario, returns a configuration that tidecast check passes, cheaper than the scenario as written', () => {
    const cpu0 = childCpuSeconds();
    const common = ['--set', 'duration=2h'];
    const r = tidecast(
      'optimize', 'scenarios/default.yaml',
      '--vary', 'infrastructure.reserved.slots=880..960:40',
      '--vary', 'infrastructure.warmPool.size=20,40',
      '--vary', 'infrastructure.overflow.queueThreshold=0,500',
      ...common, '--format', 'json', '--quiet',
    );
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.winner).not.toBeNull();
    expect(j.winner.budgets).toBe('pass');
    expect(j.winner['cost.total']).toBeLessThan(j.scenarioOwn['cost.total']);
    expect(j.rounds.length).toBeGreaterThan(1);
    expect(j.rounds.at(-1).replications).toBeGreaterThan(j.rounds[0].replications); // replications spent where it is close
    const sets = Object.entries(j.winner.setting as Record<string, string>).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const check = tidecast('check', 'scenarios/default.yaml', ...common, ...sets, '--replications', String(j.winner.replications), '--quiet');
    expect(check.status, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/2 passed, 0 failed, 0 inconclusive/);
    const cpu1 = childCpuSeconds();
    if (cpu0 !== undefined && cpu1 !== undefined) expect(cpu1 - cpu0, 'CPU seconds of optimize + check').toBeLessThanOrEqual(cpuBound(COST_S));
  }, 2 * wallGuardMs(COST_S));
});
