import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateJUnit } from '../junitSchema.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'tidecast-check-'));

function scenario(name: string, budgets: string, extra = ''): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(
    f,
    `name: ${name}
seed: 3
duration: 1h
warmup: 5m
replications: 4
workload:
  arrivals: { poisson: { rate: 4/s } }
  sessionDuration: { exponential: { mean: 60s } }
infrastructure:
  reserved: { slots: 300, coldStart: 2s, costPerSlotHour: 0.05 }
  warmPool: { size: 20, claimLatency: 50ms }
${extra}budgets: ${budgets}
`,
  );
  return f;
}

describe('tidecast check', () => {
  it('exits 0 when every budget is clearly met, 1 when one is clearly violated; JUnit validates', () => {
    const met = scenario('met', '{ "startLatency.p99": "<= 5s", warmHitRate: ">= 0.5" }');
    const broken = scenario('broken', '{ "startLatency.mean": "<= 10ms", "cost.total": "<= 1000" }');
    const junit = join(dir, 'out/junit.xml');
    const ok = tidecast('check', met, '--quiet');
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/2 passed, 0 failed, 0 inconclusive → exit 0/);
    const bad = tidecast('check', met, broken, '--junit', junit, '--quiet');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL broken startLatency\.mean: the 95% interval \[[\d.]+, [\d.]+\] lies beyond <= 10ms/);
    const xml = readFileSync(junit, 'utf8');
    expect(validateJUnit(xml)).toEqual([]);
    expect(xml).toMatch(/<testsuite name="broken" tests="2" failures="1"/);
  });

  it('reports a budget whose interval straddles it as inconclusive, with a replication hint; --strict fails it', () => {
    // find the measured warm-hit rate, then set the budget right on it
    const probe = tidecast('run', scenario('probe', '{}'), '--format', 'json', '--quiet');
    const hit = JSON.parse(probe.stdout).warmHitRate as number;
    const f = scenario('edge', `{ warmHitRate: ">= ${hit}" }`);
    const r = tidecast('check', f, '--quiet');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/INCONCLUSIVE edge warmHitRate: the 95% interval .* straddles >= [\d.]+; (about \d+ replications would settle it \(now 4\)|the estimate sits on the budget)/);
    const strict = tidecast('check', f, '--strict', '--quiet', '--junit', join(dir, 'strict.xml'));
    expect(strict.status).toBe(1);
    expect(validateJUnit(readFileSync(join(dir, 'strict.xml'), 'utf8'))).toEqual([]);
  });

  it('regression mode: fails when a metric got worse than the saved baseline by more than the tolerance', () => {
    const f = scenario('reg', '{}');
    const base = join(dir, 'baseline.json');
    expect(tidecast('check', f, '--save-baseline', base, '--quiet').status).toBe(0);
    expect(tidecast('check', f, '--baseline', base, '--quiet').status).toBe(0);
    const worse = tidecast('check', f, '--baseline', base, '--set', 'infrastructure.warmPool.size=2', '--quiet');
    expect(worse.status).toBe(1);
    expect(worse.stdout).toMatch(/FAIL reg warmHitRate: warmHitRate got worse by [\d.]+ points/);
    const lenient = tidecast('check', f, '--baseline', base, '--set', 'infrastructure.warmPool.size=2', '--tolerance', '100%', '--quiet');
    expect(lenient.stdout).toMatch(/startLatency\.mean got worse by/);
  });

  it('exits 2 on invalid input', () => {
    expect(tidecast('check', 'nope.yaml').status).toBe(2);
    expect(tidecast('check', scenario('t', '{}'), '--tolerance', 'lots').stderr.trim()).toBe('tidecast: --tolerance: expected a percentage such as 5% (or a fraction such as 0.05), got "lots"');
    expect(tidecast('check', scenario('t2', '{}'), '--baseline', join(dir, 'none.json')).stderr.trim()).toMatch(/--baseline .*none\.json: no such file/);
  });
});

describe('tidecast compare', () => {
  it('a larger pool (with the slots it occupies): higher warm-hit rate and higher cost, with intervals', () => {
    const r = tidecast('compare', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=10,40', '--vary', 'infrastructure.reserved.slots=940,970', '--format', 'json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.variants.map((v: { name: string }) => v.name)).toEqual(['size=10,slots=940', 'size=40,slots=970']);
    const d = j.differences['size=40,slots=970'];
    expect(d.warmHitRate.delta).toBeGreaterThan(0);
    expect(d.warmHitRate.ci[0]).toBeGreaterThan(0); // the whole interval above zero
    expect(d['cost.total'].delta).toBeGreaterThan(0);
    expect(d['cost.total'].ci[0]).toBeGreaterThan(0);
    expect(d['startLatency.p99'].ci[1]).toBeLessThan(0);
  });

  it('prints a side-by-side table and writes an overlaid report', () => {
    const out = join(dir, 'cmp');
    const r = tidecast('compare', 'scenarios/default.yaml', 'scenarios/default.yaml', '--set', 'duration=1h', '--set', 'warmup=5m', '--out', out, '--quiet');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^metric\s+default\s+default#2\s+\(Δ vs default, 95% CI\)/);
    expect(r.stdout).toMatch(/warm-hit rate\s+[\d.]+%\s+[\d.]+%\s+\(±0\.00 pp/); // same file, same streams: no difference at all
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('tidecast compare');
  });
});
