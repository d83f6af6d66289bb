import { describe, expect, it } from 'vitest';
import { cheapestSetting, costGap, stoppedEarly, type Knob } from '../../src/compare/policySearch.js';
import { screenedCheapest } from '../../src/compare/screenedSearch.js';
import { replicationEvaluator, slots } from '../../src/compare/evaluator.js';
import { countedArrivalsBound } from '../../src/compare/earlyStop.js';
import { LogHistogram } from '../../src/stats/histogram.js';
import { runReplication, type ReplicationResult } from '../../src/sim/replication.js';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareInputs } from '../../src/workload/build.js';
import type { Summary } from '../../src/sim/summary.js';

describe('LogHistogram.quantileFloor', () => {
  it('is certain only past 1% of the most values the run can record, and never above the final p99', () => {
    const h = new LogHistogram();
    for (let i = 0; i < 10; i++) h.record(5);
    // 1000 values at most: p99 is the 990th, so 10 slow ones may still end at ranks 991–1000
    expect(h.quantileFloor(0.99, 1000)).toBe(0);
    h.record(5);
    expect(h.quantileFloor(0.99, 1000)).toBeCloseTo(5, 1);
    expect(h.quantileFloor(0.99, 1000)).toBeGreaterThan(2);
    // more values than promised: nothing is certain
    expect(h.quantileFloor(0.99, 5)).toBe(0);
    // every prefix's floor ≤ the final p99, however the rest goes (seeded, deterministic)
    let x = 12345;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 30; trial++) {
      const n = 200 + Math.floor(rnd() * 2000);
      const values = Array.from({ length: n }, () => (rnd() < 0.03 ? 1 + rnd() * 9 : rnd() * 0.5));
      const g = new LogHistogram();
      let most = 0;
      for (const v of values) {
        g.record(v);
        most = Math.max(most, g.quantileFloor(0.99, n));
      }
      expect(most, `trial ${trial}`).toBeLessThanOrEqual(g.quantile(0.99));
    }
  });
});

describe('runReplication with a stop rule', () => {
  const s = loadScenario('scenarios/default.yaml', ['duration=2h', 'infrastructure.warmPool.size=0']);
  const inputs = prepareInputs(s, 'scenarios/default.yaml');
  it('counts the counted arrivals exactly (the bound the rule needs), the same whatever the pool', () => {
    const n = countedArrivalsBound(s, inputs, 1);
    const run = runReplication(s, inputs, 1);
    expect(n).toBe((run.metrics.sessions as Record<string, number>).arrived);
    const s2 = loadScenario('scenarios/default.yaml', ['duration=2h', 'infrastructure.warmPool.size=400']);
    expect((runReplication(s2, inputs, 1).metrics.sessions as Record<string, number>).arrived).toBe(n);
    expect((run.metrics.sessions as Record<string, number>).started).toBeLessThanOrEqual(n);
  });
  it('stops a certain miss early with a floor under the full run p99, and changes nothing when it never fires', () => {
    const maxCount = countedArrivalsBound(s, inputs, 0);
    const full = runReplication(s, inputs, 0);
    const p99 = (full.metrics.startLatency as Record<string, number>).p99;
    expect(p99).toBeGreaterThan(2); // no pool: cold starts of median 2 s
    const stopped = runReplication(s, inputs, 0, { stop: { q: 0.99, aboveS: 2, maxCount } });
    expect(stopped.stopped).toBeDefined();
    expect(stopped.stopped!.atS).toBeLessThan(s.duration / 2);
    expect(stopped.stopped!.p99FloorS).toBeGreaterThan(2);
    expect(stopped.stopped!.p99FloorS).toBeLessThanOrEqual(p99);
    const never = runReplication(s, inputs, 0, { stop: { q: 0.99, aboveS: 1e9, maxCount } });
    expect(never.stopped).toBeUndefined();
    expect(JSON.stringify(never.metrics)).toBe(JSON.stringify(full.metrics));
  });
});

/** A fake replication: p99 `p[r]` at the end; stopped (floor `p[r]`) when the runner is asked to stop above less than it. */
function fakeRunner(p99: (v: number, r: number) => number, ran: string[]) {
  const scenario = loadScenario('scenarios/default.yaml', []);
  return async (v: number, r: number, stopAboveS?: number) => {
    const p = p99(v, r);
    const stop = stopAboveS !== undefined && p > stopAboveS;
    ran.push(`${v}/${r}${stop ? ' stopped' : ''}`);
    const result = { replication: r, metrics: { startLatency: { p99: p }, cost: { total: 100, pool: Math.exp(2 * v) } }, events: 10, ...(stop ? { stopped: { atS: 100, p99FloorS: p } } : {}) } as unknown as ReplicationResult;
    return { scenario, result };
  };
}

describe('replicationEvaluator with early stops', () => {
  it('stops a screen at the budget; confirms on the mean (k·budget less what is known); reruns what the mean does not settle', async () => {
    const ran: string[] = [];
    // replication 0 at 3 s, replication 1 at 0.5 s: the mean 1.75 s meets
    const ev = replicationEvaluator(fakeRunner((v, r) => (r === 0 ? 3 : 0.5), ran), slots(2), 2);
    const one = await ev(1, 1, true);
    expect(stoppedEarly(one)).toBe(true);
    expect((one as any).startLatency.p99).toBe(3);
    expect((one as any).cost.pool).toBeNaN();
    const both = await ev(1, 2, true);
    expect(stoppedEarly(both)).toBe(false);
    expect((both as any).startLatency.p99).toBe(1.75);
    expect((both as any).cost.pool).toBeCloseTo(Math.exp(2), 9);
    // replication 1 could stop only above 4 − 3 = 1 s; it did not; replication 0 ran again to the end
    expect(ran).toEqual(['1/0 stopped', '1/1', '1/0']);
    expect(ev.runs).toBe(3);
  });
  it('a certain miss over both replications stays stopped; without mayStop every run goes to the end', async () => {
    const ran: string[] = [];
    const ev = replicationEvaluator(fakeRunner(() => 5, ran), slots(2), 2);
    expect(stoppedEarly(await ev(2, 2, true))).toBe(true);
    expect(ran).toEqual(['2/0 stopped', '2/1 stopped']);
    const full = await ev(2, 2, false);
    expect(stoppedEarly(full)).toBe(false);
    expect((full as any).startLatency.p99).toBe(5);
    expect(ran.slice(2)).toEqual(['2/0', '2/1']);
  });
});

describe('searches with early stops decide as without', () => {
  // replication r's p99 falls through 2 s where the knob passes cliff[r]
  const cliff = [1.1, 1.16];
  const p99 = (v: number, r: number) => Math.min(9, Math.max(0.05, 2 * Math.exp(-3 * Math.log(20) * (v - cliff[r]))));
  const knob: Knob = { key: 'x.headroom', lo: 0.25, hi: 8, up: true, integer: false, scale: 'log' };
  const meets = (s: Summary) => (s as any).startLatency.p99 <= 2;
  for (const screen of [true, false]) {
    it(`screen ${screen ? 'on' : 'off'}: the same settings, the same one kept, stopped ones never kept nor costed`, async () => {
      const ranStop: string[] = [];
      const ranFull: string[] = [];
      const withStop = replicationEvaluator(fakeRunner(p99, ranStop), slots(1), 2);
      const without = replicationEvaluator(fakeRunner(p99, ranFull), slots(1));
      const a = await screenedCheapest('little', knob, meets, withStop, 2, 6, 6, 0.01, 'bisect', screen);
      const b = await screenedCheapest('little', knob, meets, without, 2, 6, 6, 0.01, 'bisect', screen);
      expect(a.best.value).toBe(b.best.value);
      expect(a.evaluations.map((e) => e.value).sort()).toEqual(b.evaluations.map((e) => e.value).sort());
      expect(stoppedEarly(a.best.summary)).toBe(false);
      const stopped = a.evaluations.filter((e) => stoppedEarly(e.summary));
      if (screen) expect(stopped.length).toBeGreaterThan(0);
      for (const e of stopped) expect(e.meets).toBe(false);
      // the full runs saved: every stopped replication ran to 100 s only
      expect(ranStop.filter((x) => !x.endsWith('stopped')).length).toBeLessThan(ranFull.length);
    });
  }
  it('a stopped setting has no cost gap (it is completed before the gap is read)', async () => {
    const e = (stopped: boolean) => ({ key: 'k', value: 1, meets: false, summary: { cost: { total: 1, pool: 1 }, ...(stopped ? { stoppedEarly: true } : {}) } as unknown as Summary });
    expect(costGap(e(false), e(true))).toBe(Infinity);
    expect(costGap(e(false), e(false))).toBe(0);
    // bisection on one replication: the lean end stopped, then run to the end for the refining steps' gap
    const ran: string[] = [];
    const ev = replicationEvaluator(fakeRunner((v) => p99(v, 0), ran), slots(1), 2);
    const r = await cheapestSetting('little', knob, meets, (v, mayStop) => ev(v, 1, mayStop), 6, 6, 0.01, 'bisect');
    expect(ran[1]).toBe('0.25/0 stopped');
    expect(r.best.value).toBeGreaterThanOrEqual(1.1);
    expect(r.best.value).toBeLessThan(1.1 * 1.02);
  });
});
