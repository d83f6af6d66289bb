import type { Knob } from '../../src/compare/policySearch.js';
import type { Summary } from '../../src/sim/summary.js';

/**
 * A fake fleet with two replications: replication r's p99 falls through the 2 s budget where the
 * knob passes `cliff[r]` (20× per unit, floored at the 50 ms claim); the pool's cost is e^(2v),
 * total cost fixed. The budget is judged on the mean p99 over the replications run, as `summarize` does.
 */
export function fakeFleet(cliff: number[]) {
  const p99 = (v: number, r: number) => Math.min(9, Math.max(0.05, 2 * Math.exp(-3 * Math.log(20) * (v - cliff[r]))));
  const runs: string[] = [];
  const evaluate = async (v: number, k: number): Promise<Summary> => {
    for (let r = 0; r < k; r++) if (!runs.includes(`${v}/${r}`)) runs.push(`${v}/${r}`);
    let m = 0;
    for (let r = 0; r < k; r++) m += p99(v, r) / k;
    return { scenario: 's', seed: 1, replications: k, startLatency: { p99: m }, cost: { total: 100, pool: Math.exp(2 * v) }, ci95: {}, engine: { events: 0, wallSeconds: 0, eventsPerSecond: 0 } } as unknown as Summary;
  };
  // where the mean over both replications crosses 2 s (bisection on the fake itself)
  let lo = 0.25;
  let hi = 8;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if ((p99(mid, 0) + p99(mid, 1)) / 2 <= 2) hi = mid;
    else lo = mid;
  }
  return { evaluate, runs, cliffMean: hi };
}

export const knob: Knob = { key: 'x.headroom', lo: 0.25, hi: 8, up: true, integer: false, scale: 'log' };
export const meets = (s: Summary) => (s as any).startLatency.p99 <= 2;
export const pool = (s: Summary) => (s as any).cost.pool as number;
