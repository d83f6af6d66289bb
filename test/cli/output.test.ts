import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chosenText } from '../../src/cli/backtest.js';
import { formatValue } from '../../src/report/format.js';
import { budgetCells } from '../../src/cli/budgetLines.js';
import type { BudgetResult } from '../../src/check/budgets.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
const dir = mkdtempSync(join(tmpdir(), 'tidecast-output-'));
/** default.yaml cut to an hour: the same fleet, fast. */
const SHORT = ['--set', 'duration=1h', '--quiet', '--workers', '0'];

describe('numbers rounded to their interval', () => {
  it('keeps the digits the interval supports (issue 20: cost.total 85.5239, margin 0.00819523 (-0.129028 … 0.145418))', () => {
    expect(formatValue(85.5239, 'money', 0.4)).toBe('$85.52');
    expect(formatValue(85.5239, 'money', 3)).toBe('$85.5');
    expect(formatValue(0.00819523, 'money', 0.137)).toBe('$0.01');
    expect(formatValue(-0.129028, 'money', 0.137)).toBe('−$0.13');
    expect(formatValue(1.4487, 'seconds', 2.07)).toBe('1.4 s');
    expect(formatValue(0.39046, 'seconds', 2.07)).toBe('390 ms');
    expect(formatValue(0.98765, 'rate', 0.0076)).toBe('98.77%');
    expect(formatValue(71.96, 'number', 0.4)).toBe('72.0');
    // without an interval, the unit's usual format
    expect(formatValue(1.4487, 'seconds')).toBe('1.449 s');
  });

  it('a budget row says "too few replications" where the summary table does, not a cut interval (default.yaml: 1.4 s, 50 ms … 3.4 s)', () => {
    const b: BudgetResult = { scenario: 'default', metric: 'startLatency.p99', op: '<=', bound: 2, text: '<= 2s', value: 1.4487, ci: [0.05, 3.354], replications: 3, verdict: 'inconclusive', reason: '', ciNeeded: 4 };
    expect(budgetCells(b)).toEqual(['1.449 s', 'too few replications (3; ~4 would do)']);
    const { ciNeeded: _, ...meaningful } = b;
    expect(budgetCells({ ...meaningful, ci: [1.2, 1.7] })).toEqual(['1.45 s', '1.20 s … 1.70 s']);
  });

  it("backtest's chosen column stays short however many models auto picked", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`auto:holt-winters-variant-${i}`, 30 - i]));
    const t = chosenText(many);
    expect(t.length).toBeLessThanOrEqual(60);
    expect(t).toMatch(/^auto:holt-winters-variant-0×30 .*\+\d+ more$/);
    expect(chosenText({ 'seasonal-naive-weekly': 7 })).toBe('seasonal-naive-weekly×7');
  });
});

describe('tidecast run: budgets and CSV', () => {
  it('shows the budget verdicts under the table, puts them in the JSON, and writes --csv', () => {
    const csv = join(dir, 'run.csv');
    const r = tidecast('run', 'scenarios/default.yaml', ...SHORT, '--csv', csv);
    expect(r.status, r.stderr).toBe(0);
    const tail = r.stdout.slice(r.stdout.indexOf('budgets (judged as tidecast check does)'));
    expect(tail).toMatch(/startLatency\.p99 <= 2s .*(PASS|FAIL|INCONCLUSIVE)/);
    expect(tail).toMatch(/warmHitRate >= 0\.95 .*(PASS|FAIL|INCONCLUSIVE)/);
    const j = JSON.parse(tidecast('run', 'scenarios/default.yaml', ...SHORT, '--format', 'json').stdout);
    expect(j.budgets.map((b: { metric: string }) => b.metric)).toEqual(['startLatency.p99', 'warmHitRate']);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('scenario,metric,value,ci95_low,ci95_high,replications,replications_needed');
    const cost = lines.find((l) => l.startsWith('default,cost.total,'))!.split(',');
    expect(Number(cost[2])).toBeCloseTo(j.cost.total, 9);
    expect(Number(cost[3])).toBeCloseTo(j.ci95['cost.total'][0], 9);
    expect(lines).toHaveLength(Object.keys(j.ci95).length + 1);
  });

  it('prints no budget block for a scenario without budgets', () => {
    const r = tidecast('run', 'scenarios/default.yaml', ...SHORT, '--set', 'budgets={}');
    expect(r.stdout).not.toMatch(/budgets \(judged/);
  });
});

describe('tidecast compare: points and CSV', () => {
  it('gives rate differences in percentage points, and writes every variant to --csv', () => {
    const csv = join(dir, 'compare.csv');
    const r = tidecast('compare', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=10,40', ...SHORT, '--csv', csv);
    expect(r.status, r.stderr).toBe(0);
    const hit = r.stdout.split('\n').find((l) => l.startsWith('warm-hit rate'))!;
    expect(hit).toMatch(/\(\+\d+\.\d+ pp \[\+\d+\.\d+ pp, \+\d+\.\d+ pp\]\)/);
    expect(hit).not.toMatch(/\(\+[\d.]+%/);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('variant,metric,value,ci95_low,ci95_high,delta,delta_ci95_low,delta_ci95_high,relative');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(new Set(rows.map((x) => x[0]))).toEqual(new Set(['size=10', 'size=40']));
    const delta = rows.find((x) => x[0] === 'size=40' && x[1] === 'warmHitRate')!;
    expect(Number(delta[5])).toBeGreaterThan(0.1);
  });
});

describe('tidecast optimize: rounded output', () => {
  it('prints cost and the paired margin with sensible digits', () => {
    const r = tidecast('optimize', 'scenarios/default.yaml', '--vary', 'infrastructure.reserved.slots=960,980', ...SHORT, '--set', 'duration=40m', '--max-replications', '4');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cost\.total \$\d/);
    // no number with five or more decimals (cost.total 85.5239, 0.00819523, -0.129028 before)
    expect(r.stdout).not.toMatch(/\d\.\d{5,}/);
  });
});

describe('tidecast compare --policies: pool ratios in the table', () => {
  it('shows the ready pool cost ratios next to the total-cost ratios', () => {
    const f = join(dir, 'tide.yaml');
    writeFileSync(
      f,
      `name: tide
seed: 4
duration: 2h
warmup: 20m
workload:
  arrivals: { tidal: { peak: 10/s, trough: 2/s, peakAt: 1h, period: 2h } }
  sessionDuration: { exponential: { mean: 60s } }
infrastructure:
  reserved: { slots: unlimited, coldStart: 10s, costPerSlotHour: 0.02 }
  warmPool: { size: 30, claimLatency: 50ms }
budgets: { "startLatency.p99": "<= 1s" }
`,
    );
    const r = tidecast('compare', f, '--policies', 'static,oracle', '--search-steps', '2', '--quiet', '--workers', '0');
    expect(r.status, r.stderr).toBe(0);
    const [head, , ...rows] = r.stdout.split('\n');
    expect(head).toMatch(/× oracle .*pool × oracle/);
    const oracle = rows.find((l) => l.startsWith('oracle'))!.trim().split(/\s+/);
    expect(oracle.at(-2)).toBe('1.000');
    const fixed = rows.find((l) => l.startsWith('static'))!.trim().split(/\s+/);
    expect(Number(fixed.at(-2))).toBeGreaterThan(1);
  });
});
