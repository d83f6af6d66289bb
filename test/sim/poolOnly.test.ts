import { describe, expect, it } from 'vitest';
import { noSessionWaited, poolOnlyScenario } from '../../src/sim/poolOnly.js';
import { loadScenario } from '../../src/scenario/load.js';
import { simulateFile } from '../../src/sim/simulate.js';
import { get, type Summary } from '../../src/sim/summary.js';

// kimi-peak's first 10 minutes with lean pools (little at 0.9: misses, cold starts, p99 ~6 s),
// turns and hibernation on: the reduced model drops the sessions' lifetimes
const LEAN = ['duration=10m', 'warmup=1m', 'templates.python.warmPool.policy={ little: { headroom: 0.9 } }', 'templates.browser.warmPool.policy={ little: { headroom: 0.9 } }'];
const POOL_FIGURES = ['warmHitRate', 'startLatency.p99', 'cost.pool', 'templates.python.warmHitRate', 'templates.browser.startLatency.p99'];
const figures = (s: Summary) => POOL_FIGURES.map((k) => get(s, k));
const both = async (sets: string[]) => {
  const full = await simulateFile('scenarios/kimi-peak.yaml', sets, { workers: 0 });
  const pools = await simulateFile('scenarios/kimi-peak.yaml', sets, { workers: 0, poolOnly: true });
  return { full: full.summary, pools: pools.summary, reduced: pools.scenario };
};

describe('the warm pools reduced model', () => {
  it('equals the full model on the pools figures where nothing but pool work passes a limited scheduler and no session waited', async () => {
    // an unlimited scheduler: wakes no longer go ahead of refills
    const { full, pools, reduced } = await both([...LEAN, 'infrastructure.scheduler={}']);
    expect(reduced.workload.turns).toBeUndefined();
    expect(reduced.infrastructure.hibernation).toBeUndefined();
    expect(noSessionWaited(full)).toBe(true);
    expect(get(full, 'warmHitRate')).toBeLessThan(0.9);
    expect(figures(pools)).toEqual(figures(full));
    // the reduced model has none of the sessions' lifetimes: fewer events, other node costs
    expect(pools.engine.events).toBeLessThan(full.engine.events);
  }, 60_000);

  it('is a close screen, not a verdict, where wakes share the scheduler with refills (kimi-peak as shipped)', async () => {
    const { full, pools } = await both(LEAN);
    expect(noSessionWaited(full)).toBe(true);
    const f = figures(full);
    const p = figures(pools);
    for (let i = 0; i < f.length; i++) expect(Math.abs(p[i] - f[i]) / f[i]).toBeLessThan(1e-3);
  }, 60_000);

  it('is not the pools model where capacity is short: the full run shows sessions waiting', async () => {
    const { full, pools } = await both([...LEAN, 'infrastructure.reserved.nodes.min=250', 'infrastructure.reserved.nodes.max=250', 'infrastructure.reserved.nodes.initial=250']);
    expect(noSessionWaited(full)).toBe(false);
    expect(noSessionWaited(pools)).toBe(true);
    expect(get(pools, 'warmHitRate')).toBeGreaterThan(get(full, 'warmHitRate') + 0.5);
  }, 60_000);

  it('does not apply where sessions do more than hold slots: fan-out clones, a zone outage', () => {
    expect(poolOnlyScenario(loadScenario('scenarios/rl-fanout.yaml', []))).toBeNull();
    expect(poolOnlyScenario(loadScenario('scenarios/zone-outage.yaml', []))).toBeNull();
    const s = loadScenario('scenarios/kimi-peak.yaml', []);
    const r = poolOnlyScenario(s)!;
    expect(r.workload.sessionDuration).toEqual({ kind: 'fixed', value: 0 });
    // the scenario itself is left as it was
    expect(s.workload.turns).toBeDefined();
  });
});
