import { describe, expect, it } from 'vitest';
import { HpaPolicy } from '../../src/policy/hpa.js';
import { KpaPolicy } from '../../src/policy/kpa.js';
import { LittlePolicy } from '../../src/policy/little.js';
import { OraclePolicy } from '../../src/policy/oracle.js';
import { ForecastPolicy } from '../../src/policy/forecastPolicy.js';
import { poolSizeFor } from '../../src/forecast/targets.js';
import { poisson } from '../../src/random/poisson.js';
import { Rng } from '../../src/random/rng.js';
import type { PoolObservation } from '../../src/policy/policy.js';
import { StaticPolicy } from '../../src/policy/static.js';

function obs(nowS: number, arrivals: number[], target: number, ready = target, leadTimeS = 10, intervalS = 15): PoolObservation {
  return { nowS, intervalS, arrivals, ready, target, leadTimeS };
}

describe('static and little', () => {
  it('static holds its size', () => {
    expect(new StaticPolicy(12).decide()).toEqual({ target: 12, valid: true });
  });
  it('little: recent rate × replenish time × headroom', () => {
    // 4 intervals of 15 s with 10 arrivals: 40 / 60 s = 0.667/s; × 20 s × 1.5 = 20
    expect(new LittlePolicy(1.5, 60).decide(obs(60, [10, 10, 10, 10], 5, 5, 20))).toEqual({ target: 20, valid: true });
    expect(new LittlePolicy().decide(obs(0, [], 5)).valid).toBe(false);
  });
});

describe('hpa', () => {
  it('keeps the size within the 0.1 tolerance, else ceil(current × metric / target)', () => {
    // metric = rate × lead / current = (44/60) × 10 / 10 = 0.733; / 0.7 = 1.048 → within tolerance
    expect(new HpaPolicy(0.7).decide(obs(60, [11, 11, 11, 11], 10)).target).toBe(10);
    // rate 60/60 = 1/s: metric 1.0, ratio 1.43 → ceil(14.3) = 15
    expect(new HpaPolicy(0.7).decide(obs(60, [15, 15, 15, 15], 10)).target).toBe(15);
  });

  it('limits scale-up to the larger of +100% and +4 pods per sync period', () => {
    // rate 4/s: metric 4, ratio 5.7 → 58, capped at max(2×10, 14) = 20
    expect(new HpaPolicy(0.7).decide(obs(60, [60, 60, 60, 60], 10)).target).toBe(20);
    // from 2: capped at max(4, 6) = 6
    expect(new HpaPolicy(0.7).decide(obs(60, [60, 60, 60, 60], 2)).target).toBe(6);
  });

  it('scales down only to the highest recommendation of the last 300 s', () => {
    const p = new HpaPolicy(0.7, 0.1, 300);
    expect(p.decide(obs(60, [15, 15, 15, 15], 10)).target).toBe(15); // recommendation 15 at t = 60
    const quiet = [15, 15, 15, 15, 1, 1, 1, 1];
    expect(p.decide(obs(120, quiet, 15)).target).toBe(15); // wants 2, held at 15 by the window
    expect(p.decide(obs(360, quiet, 15)).target).toBe(15); // 300 s after t = 60: still inside
    const later = p.decide(obs(376, quiet, 15)).target; // the t = 60 recommendation has left the window
    expect(later).toBeLessThan(15);
  });

  it('syncs every 15 s whatever the decision interval: decisions in between keep the target', () => {
    const p = new HpaPolicy(0.7);
    const busy = (n: number) => Array.from({ length: n }, () => 5); // 5 arrivals per 5 s: 1/s
    const o = (t: number, target: number) => ({ ...obs(t, busy(t / 5), target), intervalS: 5 });
    expect(p.decide(o(60, 10)).target).toBe(15); // a sync: metric 1.0 / 0.7 → 15
    expect(p.decide(o(65, 15))).toEqual({ target: 15, valid: true }); // 5 s later: held
    expect(p.decide(o(70, 8))).toEqual({ target: 8, valid: true }); // held, whatever the target is
    expect(p.decide(o(75, 8)).target).toBe(15); // 15 s after the last sync: ceil(8 × (10 / 8) / 0.7) = 15
  });
});

describe('kpa', () => {
  it('enters panic when the panic window wants twice the ready sandboxes, and does not scale down in panic', () => {
    const p = new KpaPolicy(0.7, 60, 6);
    // stable: 4 intervals × 7 arrivals = 28 / 60 s = 0.467/s × 10 s / 0.7 = 6.67 → 7
    expect(p.decide(obs(60, [7, 7, 7, 7], 7)).target).toBe(7);
    expect(p.inPanic(60)).toBe(false);
    // a burst in the last interval: panic rate 60 / 15 s = 4/s → 4 × 10 / 0.7 = 57.1 → 58 ≥ 2 × 7 ready
    const d = p.decide(obs(75, [7, 7, 7, 7, 60], 7));
    expect(p.inPanic(75)).toBe(true);
    expect(d.target).toBe(58);
    // the burst is over but panic holds for a stable window: no scale-down
    expect(p.decide(obs(90, [7, 7, 7, 7, 60, 0], 58, 58)).target).toBe(58);
    expect(p.inPanic(134)).toBe(true);
    // 60 s after the last panic decision: out of panic, scale-down by at most 2× per decision
    const after = p.decide(obs(150, [7, 7, 7, 7, 60, 0, 0, 0, 0, 0], 58, 58));
    expect(p.inPanic(150)).toBe(false);
    expect(after.target).toBe(29);
  });
});

describe('oracle', () => {
  it('holds the most claims that fall within one lead time over the coming window', () => {
    const perSecond = new Float64Array(100);
    perSecond[20] = 3;
    perSecond[21] = 4;
    perSecond[40] = 9;
    const p = new OraclePolicy(perSecond);
    // now 10, lead 5, interval 15: windows [t, t+5) for t in 10..30 → max 7 (seconds 20, 21)
    expect(p.decide(obs(10, [], 0, 0, 5)).target).toBe(7);
    // now 30: windows reach second 40 → 9
    expect(p.decide(obs(30, [], 0, 0, 5)).target).toBe(9);
  });

  it('with a hit-rate goal, holds the Erlang-loss pool for the true rate of the coming windows', () => {
    // 10 arrivals a second, and 40 a second in seconds 50..59
    const perSecond = new Float64Array(100).fill(10);
    for (let t = 50; t < 60; t++) perSecond[t] = 40;
    // the smallest n with ErlangB(n, a) ≤ 1 − 0.99, by the recursion B(n) = a·B(n−1) / (n + a·B(n−1))
    const erlangPool = (a: number) => {
      let b = 1;
      let n = 0;
      while (b > 0.01) {
        n++;
        b = (a * b) / (n + a * b);
      }
      return n;
    };
    const p = new OraclePolicy(perSecond, 0, 1, 0.99);
    // now 10, lead 5: windows of max(5, 15) = 15 s starting in [10, 15] see 10/s → a = 10 × 5
    expect(p.decide(obs(10, [], 0, 0, 5)).target).toBe(erlangPool(50));
    expect(erlangPool(50)).toBe(64); // a pool 28% above the offered load
    // now 40: the window [45, 60) holds 5 × 10 + 10 × 40 = 450 arrivals → 30/s, a = 150
    expect(p.decide(obs(40, [], 0, 0, 5)).target).toBe(erlangPool(150));
    // slack adds whole sandboxes to either rule
    expect(new OraclePolicy(perSecond, 3, 1, 0.99).decide(obs(10, [], 0, 0, 5)).target).toBe(67);
  });

  it('counts a window that ends inside a second pro rata, not as the whole second', () => {
    const perSecond = new Float64Array(100).fill(100);
    // lead 2.5 s, interval 2, shortest window 1 s: windows of 2.5 s hold 250 arrivals (not 300, three whole seconds)
    const p = new OraclePolicy(perSecond, 0, 1, 0.99, 1);
    expect(p.decide(obs(10, [], 0, 0, 2.5, 2)).target).toBe(poolSizeFor([100], 2.5, 0.99));
    // the window rule must miss nothing: a 2.5 s window may start anywhere in a second, so it counts the 3 seconds covering it
    expect(new OraclePolicy(perSecond).decide(obs(10, [], 0, 0, 2.5, 2)).target).toBe(300);
  });

  it('counts the Erlang-loss rate over at least its window (default 5 s), not the lead time alone', () => {
    const perSecond = new Float64Array(100).fill(100);
    perSecond[12] = 400;
    // now 10, lead 2.5: windows start in [10, 12.5]; of 2.5 s the highest is [11, 13.5): 550 → 220/s
    expect(new OraclePolicy(perSecond, 0, 1, 0.99, 1).decide(obs(10, [], 0, 0, 2.5, 2)).target).toBe(poolSizeFor([220], 2.5, 0.99));
    // of 5 s: [10, 15) or [12, 17) hold 800 → 160/s
    expect(new OraclePolicy(perSecond, 0, 1, 0.99).decide(obs(10, [], 0, 0, 2.5, 2)).target).toBe(poolSizeFor([160], 2.5, 0.99));
  });
});

describe('forecast', () => {
  /** Mean target over the second of two hours of decisions, every 15 s, on Poisson counts at rate(i)/s. */
  function meanTarget(rate: (i: number) => number, seed: number): number {
    const rng = new Rng(seed);
    const p = new ForecastPolicy(0.99);
    const arrivals: number[] = [];
    let sum = 0;
    let n = 0;
    for (let i = 0; i < 480; i++) {
      arrivals.push(poisson(rate(i) * 15, rng));
      const d = p.decide({ nowS: 15 * (i + 1), intervalS: 15, arrivals, ready: 0, target: 0, leadTimeS: 10 });
      if (i >= 240) {
        expect(d.valid).toBe(true);
        sum += d.target;
        n++;
      }
    }
    return sum / n;
  }

  it('sums to a whole number of decision intervals and forecasts in that step: a step under the interval, or not a multiple of it, is the rounded one (1e-300 s hung the fit)', () => {
    const decisions = (stepS: number, intervalS: number): number[] => {
      const rng = new Rng(3);
      const p = new ForecastPolicy(0.99, stepS, 600);
      const arrivals: number[] = [];
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        arrivals.push(poisson((20 + 10 * Math.sin(i / 20)) * intervalS, rng));
        out.push(p.decide({ nowS: intervalS * (i + 1), intervalS, arrivals, ready: 0, target: 0, leadTimeS: 10 }).target);
      }
      return out;
    };
    // 60 s at a 25 s interval sums two intervals: a 50-s step, decided as a 50-s step is
    expect(decisions(60, 25)).toEqual(decisions(50, 25));
    // a step under the interval is the interval
    const one = decisions(15, 15);
    expect(decisions(1e-300, 15)).toEqual(one);
    expect(decisions(7, 15)).toEqual(one);
    expect(one.slice(100).every((t) => t > 0)).toBe(true);
  });

  it("spreads the rate by how past intervals' arrivals fell from their prediction, less the Poisson part", () => {
    // a steady 20/s: the intervals' counts vary only as Poisson counts do, which Erlang loss already
    // prices, so the pool is the Erlang-loss pool of the rate (up to the nowcast's own error)
    const steady = meanTarget(() => 20, 11);
    expect(Math.abs(steady / poolSizeFor([20], 10, 0.99) - 1)).toBeLessThan(0.05); // 225 against 221
    // the level shifting between 14/s and 28/s every 20 minutes: the forecaster's one-step errors are
    // wide (spreading by them held 422 on average), but the nowcast follows a shift within an interval
    // or two, so past predictions missed rarely and the pool stays near the Erlang pool of the level
    const shifts = Array.from({ length: 8 }, (_, k) => 20 * (k % 2 ? 1.4 : 0.7));
    const level = (poolSizeFor([14], 10, 0.99) + poolSizeFor([28], 10, 0.99)) / 2;
    expect(meanTarget((i) => shifts[Math.floor(i / 80)], 11) / level).toBeLessThan(1.2); // 263 against 231
    // the rate itself jumping ±30% between intervals, unforeseeably: the pool holds for the jumps
    const jumps = new Rng(5);
    const jumpy = Array.from({ length: 480 }, () => 20 * (jumps.next() < 0.5 ? 0.7 : 1.3));
    expect(meanTarget((i) => jumpy[i], 11)).toBeGreaterThan(1.2 * steady); // 379
  });
});

