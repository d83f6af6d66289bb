import type { Scenario } from '../scenario/schema.js';
import { tidalRate } from '../workload/tidal.js';

/** The arrival specs of a scenario that have a clock: the workload's and every template's own (tidal ones). */
function tidals(s: Scenario): { path: string; spec: NonNullable<Scenario['workload']['arrivals']['tidal']> }[] {
  const out: { path: string; spec: NonNullable<Scenario['workload']['arrivals']['tidal']> }[] = [];
  if (s.workload.arrivals.tidal) out.push({ path: 'workload.arrivals.tidal', spec: s.workload.arrivals.tidal });
  for (const [name, t] of Object.entries(s.templates ?? {})) {
    const a = (t as { arrivals?: Scenario['workload']['arrivals'] }).arrivals;
    if (a?.tidal) out.push({ path: `templates.${name}.arrivals.tidal`, spec: a.tidal });
  }
  return out;
}

/** True when a scenario's arrivals can be cut at any start: tidal (its clock moved) or Poisson (any stretch is alike); traces cannot. */
export function sliceable(s: Scenario): boolean {
  const traces = s.workload.arrivals.trace !== undefined || Object.values(s.templates ?? {}).some((t) => (t as { arrivals?: Scenario['workload']['arrivals'] }).arrivals?.trace !== undefined);
  return !traces;
}

/**
 * The start (s into the scenario) of the `durationS` stretch over which the scenario's mean
 * arrival rate (the tidal curves' deterministic part, summed: no noise, no bursts) rises most,
 * on a grid of the curves' step (60 s when there is none): where claims outrun a pool sized on the
 * recent rate, the stretch that decides a reactive policy's p99. 0 for a flat profile (Poisson:
 * every stretch is alike) or when the scenario is no longer than `durationS` (pure).
 *
 * Why not the busiest stretch: on kimi-peak (60 → 540 sessions/s, peak at 14 h) the 2 hours
 * around the peak hold p99 0.34 s at little's day crossing (headroom 1.06605, 2 s on the day),
 * the trough's 3.88 s; the steepest rise (centred at 8 h) 1.69 s, hpa's day crossing 2.45 s there
 * (0.05 s on the falling flank at 21 h), forecast's 1.80 s (2026-12-02, 2 replications each).
 */
export function steepestRiseStart(s: Scenario, durationS: number): number {
  const ts = tidals(s);
  if (ts.length === 0 || !(s.duration > durationS)) return 0;
  const step = Math.min(...ts.map((t) => t.spec.step));
  const rate = (t: number) => ts.reduce((a, x) => a + tidalRate(x.spec, t), 0);
  let best = 0;
  let rise = -Infinity;
  for (let t = 0; t + durationS <= s.duration + 1e-9; t += step) {
    const r = rate(t + durationS) - rate(t);
    if (r > rise + 1e-12) {
      rise = r;
      best = t;
    }
  }
  return best;
}

/**
 * The `--set`s that cut the scenario to `[startS, startS + durationS)` of its own clock, a twelfth
 * of it warm-up (the slice's pools and nodes start as the scenario's do, and settle in it): the
 * duration, the warm-up, and each tidal curve's `startAt` moved by `startS` (growth still counts
 * from the slice's start). Poisson arrivals need no move. Traces cannot be moved: `sliceable`.
 */
export function sliceSets(s: Scenario, startS: number, durationS: number): string[] {
  const sets = [`duration=${durationS}`, `warmup=${durationS / 12}`];
  if (startS > 0) for (const t of tidals(s)) sets.push(`${t.path}.startAt=${t.spec.startAt + startS}`);
  return sets;
}
