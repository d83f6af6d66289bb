import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tidecast-pol-'));

describe('tidecast compare --policies', () => {
  it("finds each policy's cheapest setting that meets the p99 budget; the oracle is cheapest in pool cost", () => {
    const f = join(dir, 'tide.yaml');
    writeFileSync(
      f,
      `name: tide
seed: 4
duration: 6h
warmup: 1h
workload:
  arrivals: { tidal: { peak: 20/s, trough: 2/s, peakAt: 3h, period: 6h } }
  sessionDuration: { exponential: { mean: 60s } }
infrastructure:
  scheduler: { throughput: 200/s }
  reserved: { slots: unlimited, coldStart: 10s, costPerSlotHour: 0.02 }
  warmPool: { size: 60, claimLatency: 50ms }
budgets: { "startLatency.p99": "<= 1s" }
`,
    );
    const r = spawnSync(process.execPath, [CLI, 'compare', f, '--policies', 'static,little,hpa,oracle', '--format', 'json', '--quiet', '--workers', '0'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const p of ['static', 'little', 'hpa', 'oracle']) {
      const x = j.policies[p];
      expect(x.meetsBudget, p).toBe(true);
      expect(x.startLatencyP99, p).toBeLessThanOrEqual(1);
      expect(Object.keys(x.setting)).toHaveLength(1);
      // the chosen setting is the cheapest of those tried that met the budget
      const met = x.evaluations.filter((e: { meets: boolean }) => e.meets).map((e: { cost: number }) => e.cost);
      expect(x.cost).toBe(Math.min(...met));
    }
    // knowing the future, the oracle holds the fewest ready sandboxes for the same latency
    for (const p of ['static', 'little', 'hpa']) expect(j.policies.oracle.poolCost, p).toBeLessThanOrEqual(j.policies[p].poolCost * 1.0001);
    expect(j.ratios.oracle.vsOracle).toBe(1);
    expect(j.poolCostRatios.static.vsOracle).toBeGreaterThan(2); // a fixed pool sized for the peak idles in the trough
  });

  it("with templates, drives every template's own pool", () => {
    const f = join(dir, 'tide2.yaml');
    writeFileSync(
      f,
      `name: tide2
seed: 5
duration: 6h
warmup: 1h
workload:
  arrivals: { tidal: { peak: 20/s, trough: 2/s, peakAt: 3h, period: 6h } }
  sessionDuration: { exponential: { mean: 60s } }
infrastructure:
  scheduler: { throughput: 200/s }
  reserved: { slots: unlimited, coldStart: 10s, costPerSlotHour: 0.02 }
  warmPool: { claimLatency: 50ms }
templates:
  python: { share: 0.75, warmPool: { size: 40 } }
  browser: { share: 0.25, size: 2, coldStart: 20s, warmPool: { size: 30 } }
budgets: { "startLatency.p99": "<= 1s" }
`,
    );
    const r = spawnSync(process.execPath, [CLI, 'compare', f, '--policies', 'static,little,oracle', '--format', 'json', '--quiet', '--workers', '0'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.policies.static.setting)).toEqual(['templates.*.warmPool.size']);
    expect(Object.keys(j.policies.little.setting)).toEqual(['templates.*.warmPool.policy.little.headroom']);
    for (const p of ['static', 'little', 'oracle']) {
      expect(j.policies[p].meetsBudget, p).toBe(true);
      expect(j.policies[p].startLatencyP99, p).toBeLessThanOrEqual(1);
      // the knob moved both pools: the leanest setting tried misses, the richest meets
      const ev = j.policies[p].evaluations;
      expect(ev.some((e: { meets: boolean }) => !e.meets), p).toBe(true);
    }
    for (const p of ['static', 'little']) expect(j.policies.oracle.poolCost, p).toBeLessThanOrEqual(j.policies[p].poolCost * 1.0001);
    // static scales each template's own size: the browser's pool (size 2, twice the price a sandbox) costs in proportion
    expect(j.policies.static.setting['templates.*.warmPool.size']).toBeGreaterThan(0);
  });

  it('needs a p99 budget, and names unknown policies', () => {
    const r = spawnSync(process.execPath, [CLI, 'compare', 'scenarios/enterprise-10k.yaml', '--policies', 'static,magic'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('tidecast: --policies: unknown policy "magic"; expected some of static, little, hpa, kpa, predictive-hourly, forecast, oracle');
    const f = join(dir, 'nobudget.yaml');
    writeFileSync(f, 'duration: 1h\nworkload:\n  arrivals: { poisson: { rate: 1/s } }\n  sessionDuration: 10s\n');
    const n = spawnSync(process.execPath, [CLI, 'compare', f, '--policies', 'static'], { encoding: 'utf8' });
    expect(n.status).toBe(2);
    expect(n.stderr).toMatch(/has none \(add budgets/);
  });
});
