import { describe, expect, it } from 'vitest';
import { judgeBudget } from '../../src/check/budgets.js';
import { junitXml } from '../../src/check/junit.js';
import { compareWithBaseline } from '../../src/check/regression.js';
import type { Summary } from '../../src/sim/summary.js';
import { validateJUnit } from '../junitSchema.js';

function summary(value: number, ci: [number, number] | null, n = 5, metric = 'startLatency.p99'): Summary {
  const [a, b] = metric.split('.');
  const tree = b ? { [a]: { [b]: value } } : { [a]: value };
  return { scenario: 's', seed: 1, replications: n, ...tree, ci95: { [metric]: ci }, engine: { events: 0, wallSeconds: 0, eventsPerSecond: 0 } } as Summary;
}

describe('judgeBudget', () => {
  it.each([
    // op, bound, value, ci, verdict
    ['<=', 2, 1.5, [1.2, 1.8], 'pass'],
    ['<=', 2, 2.5, [2.2, 2.8], 'fail'],
    ['<=', 2, 1.9, [1.6, 2.2], 'inconclusive'],
    ['>=', 0.95, 0.97, [0.96, 0.98], 'pass'],
    ['>=', 0.95, 0.9, [0.88, 0.92], 'fail'],
    ['>=', 0.95, 0.951, [0.94, 0.962], 'inconclusive'],
  ] as const)('%s %s with value %s and CI %j → %s', (op, bound, value, ci, verdict) => {
    const r = judgeBudget('s', 'startLatency.p99', op, bound, `${op} ${bound}`, summary(value, [ci[0], ci[1]]));
    expect(r.verdict).toBe(verdict);
  });

  it('says how many replications would settle an inconclusive budget', () => {
    // half-width 0.3 at n = 5, gap 0.1: n' ≈ 5 · (0.3/0.1)² · 1.1 = 49.5 → 50
    const r = judgeBudget('s', 'startLatency.p99', '<=', 2, '<= 2s', summary(1.9, [1.6, 2.2]));
    expect(r.reason).toMatch(/about 50 replications would settle it \(now 5\)/);
  });

  it('is inconclusive with one replication, and fails when nothing was measured', () => {
    expect(judgeBudget('s', 'startLatency.p99', '<=', 2, '<= 2s', summary(1, null, 1)).verdict).toBe('inconclusive');
    expect(judgeBudget('s', 'startLatency.p99', '<=', 2, '<= 2s', summary(NaN, null, 3)).verdict).toBe('fail');
  });
});

describe('compareWithBaseline', () => {
  it('flags metrics that got worse beyond the tolerance, relative or in points for rates', () => {
    const base = { ...summary(1.0, [0.9, 1.1]), warmHitRate: 0.98, cost: { total: 100, perSession: 0.01 } } as Summary;
    const now = { ...summary(1.04, [0.9, 1.2]), warmHitRate: 0.9, cost: { total: 120, perSession: 0.0099 } } as Summary;
    const r = Object.fromEntries(compareWithBaseline('s', now, base, 0.05).map((x) => [x.metric, x]));
    expect(r['startLatency.p99'].verdict).toBe('pass'); // +4% < 5%
    expect(r['startLatency.p99'].worseBy).toBeCloseTo(0.04, 12);
    expect(r.warmHitRate.verdict).toBe('fail'); // −8 points
    expect(r.warmHitRate.worseBy).toBeCloseTo(0.08, 12);
    expect(r['cost.total'].verdict).toBe('fail'); // +20%
    expect(r['cost.perSession'].verdict).toBe('pass'); // better
  });
});

describe('junitXml', () => {
  const cases = [
    { suite: 'a', name: 'budget p99 <= 2s', verdict: 'pass' as const, message: 'ok', timeS: 1 },
    { suite: 'a', name: 'budget hit >= 0.9 & <x>', verdict: 'fail' as const, message: 'interval [0.8, 0.85] lies beyond >= 0.9 "quoted"', timeS: 1 },
    { suite: 'b', name: 'budget cost <= 5', verdict: 'inconclusive' as const, message: 'straddles', timeS: 2 },
  ];
  it('produces valid JUnit XML, inconclusive as skipped', () => {
    const xml = junitXml(cases, false, 4);
    expect(validateJUnit(xml)).toEqual([]);
    expect(xml).toContain('<skipped>straddles</skipped>');
    expect(xml).toMatch(/<testsuites name="tidecast check" tests="3" failures="1"/);
  });
  it('turns inconclusive into a failure under --strict', () => {
    const xml = junitXml(cases, true, 4);
    expect(validateJUnit(xml)).toEqual([]);
    expect(xml).toMatch(/<testsuites name="tidecast check" tests="3" failures="2"/);
  });
  it('the validator catches broken documents', () => {
    expect(validateJUnit('<testsuites><testsuite tests="2"><testcase name="x"/></testsuite></testsuites>').length).toBeGreaterThan(0);
    expect(validateJUnit('<testsuites><testsuite')).not.toEqual([]);
  });
});

