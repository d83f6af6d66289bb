import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ScalerMetrics } from '../../src/scaler/metrics.js';
import { exportedSeriesNames } from '../../src/build/dashboard.js';

/**
 * deploy/base/prometheusrule.yaml through promtool: `check rules` on its spec.groups, and
 * `test rules` with deploy/base/prometheusrule.test.yaml (input series for a healthy scaler, a
 * source that goes down, a target at safety.max, a stalled loop and failing publishes).
 */

const dir = mkdtempSync(join(tmpdir(), 'tidecast-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rule = parse(readFileSync('deploy/base/prometheusrule.yaml', 'utf8'));

function promtool(groups: unknown, ...args: string[]) {
  writeFileSync(join(dir, 'alerts.rules.yaml'), stringify({ groups }));
  copyFileSync('deploy/base/prometheusrule.test.yaml', join(dir, 'test.yaml'));
  const r = spawnSync('promtool', args.map((a) => a.replace('@', dir + '/')), { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('deploy/base/prometheusrule.yaml', () => {
  it('is a PrometheusRule whose rules promtool accepts: the six alerts', () => {
    expect(rule.kind).toBe('PrometheusRule');
    const r = promtool(rule.spec.groups, 'check', 'rules', '@alerts.rules.yaml');
    expect(r.out).toContain('SUCCESS: 6 rules found');
    expect(r.code).toBe(0);
    expect(rule.spec.groups[0].rules.map((x: { alert: string }) => x.alert)).toEqual([
      'TidecastScalerDown',
      'TidecastScalerSourceDown',
      'TidecastScalerDataStale',
      'TidecastScalerTargetAtMax',
      'TidecastScalerTargetAtFloor',
      'TidecastScalerDecisionsFailing',
    ]);
  });

  it('passes its promtool unit tests', () => {
    const r = promtool(rule.spec.groups, 'test', 'rules', '@test.yaml');
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('the unit tests catch a changed rule (a shorter `for`, a wrong threshold)', () => {
    const shorter = structuredClone(rule.spec.groups);
    shorter[0].rules[1].for = '1m';
    expect(promtool(shorter, 'test', 'rules', '@test.yaml').code).not.toBe(0);
    const threshold = structuredClone(rule.spec.groups);
    threshold[0].rules[2].expr = 'tidecast_scaler_source_staleness_seconds > 600';
    expect(promtool(threshold, 'test', 'rules', '@test.yaml').code).not.toBe(0);
  });

  it('uses only series the scaler exports (and Prometheus\'s own `up`), in the rules and in the test inputs', () => {
    const exported = exportedSeriesNames();
    const used = new Set<string>();
    for (const r of rule.spec.groups[0].rules) for (const m of String(r.expr).matchAll(/\btidecast_[a-z_]+/g)) used.add(m[0]);
    const inputs = parse(readFileSync('deploy/base/prometheusrule.test.yaml', 'utf8')).tests.flatMap((t: { input_series: { series: string }[] }) => t.input_series.map((s) => s.series.split('{')[0]));
    for (const n of inputs) if (n !== 'up') used.add(n);
    expect(used.size).toBeGreaterThanOrEqual(7);
    for (const n of used) expect(exported, n).toContain(n);
  });

  it('the scaler exports its safety limits for TidecastScalerTargetAtMax (+Inf when unlimited)', async () => {
    const m = new ScalerMetrics(false);
    m.setLimits({ min: 50, max: Infinity, floor: 500 });
    const text = await m.text();
    expect(text).toContain('tidecast_scaler_safety_limit{limit="min"} 50');
    expect(text).toContain('tidecast_scaler_safety_limit{limit="max"} +Inf');
    expect(text).toContain('tidecast_scaler_safety_limit{limit="floor"} 500');
    await m.close();
  });
});
