import { get, type Summary } from '../sim/summary.js';

/** The knob that sets how much capacity a policy holds, and its range. */
export interface Knob {
  key: string;
  lo: number;
  hi: number;
  /** True when a larger value means a larger pool. */
  up: boolean;
  integer: boolean;
  /**
   * The scale bisection works on: `linear`; `log` for multiplicative knobs (headroom, scale);
   * `miss` for a goal near 1 (a hit rate), bisected on log(1 − value) so 0.99 and 0.999 are as
   * far apart as 0.9 and 0.99.
   */
  scale?: 'linear' | 'log' | 'miss';
}

/**
 * Each policy's capacity knob (scenario key paths) and the range searched. `p` is the key of
 * the warm pool the policy drives: `infrastructure.warmPool`, or `templates.*.warmPool` for every
 * template's own pool at once (there `static` is a scale on each template's own size).
 */
export function policyKnob(policy: string, size: number, p = 'infrastructure.warmPool'): Knob {
  switch (policy) {
    case 'static':
      if (p.includes('*')) return { key: `${p}.size`, lo: 0, hi: 4, up: true, integer: false };
      return { key: `${p}.size`, lo: 0, hi: Math.max(8, size * 4), up: true, integer: true };
    case 'little':
      return { key: `${p}.policy.little.headroom`, lo: 0.25, hi: 8, up: true, integer: false, scale: 'log' };
    case 'hpa':
      return { key: `${p}.policy.hpa.targetUtilization`, lo: 0.05, hi: 1, up: false, integer: false };
    case 'kpa':
      return { key: `${p}.policy.kpa.targetPerSandbox`, lo: 0.05, hi: 1, up: false, integer: false };
    case 'predictive-hourly':
      return { key: `${p}.policy.predictiveHourly.headroom`, lo: 0.25, hi: 8, up: true, integer: false, scale: 'log' };
    case 'forecast':
      return { key: `${p}.policy.forecast.hitRate`, lo: 0.5, hi: 0.9999, up: true, integer: false, scale: 'miss' };
    case 'oracle':
      return { key: `${p}.policy.oracle.scale`, lo: 0.05, hi: 2, up: true, integer: false, scale: 'log' };
    default:
      throw new Error(`no knob for policy ${policy}`);
  }
}

/** One evaluated setting. */
export interface Evaluation {
  value: number;
  summary: Summary;
  meets: boolean;
}

/** The outcome of a policy's search. */
export interface PolicyResult {
  policy: string;
  key: string;
  /** The cheapest setting found that meets the budget (or the most capacity tried, when none does). */
  best: Evaluation;
  meetsBudget: boolean;
  evaluations: Evaluation[];
}

/** Relative difference of two settings' costs: the larger of total cost's and the pool's. */
function costGap(a: Evaluation, b: Evaluation): number {
  let g = 0;
  for (const k of ['cost.total', 'cost.pool']) {
    const x = get(a.summary, k);
    const y = get(b.summary, k);
    if (Number.isFinite(x) && Number.isFinite(y) && x !== y) g = Math.max(g, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  }
  return g;
}

/**
 * Finds a policy's cheapest setting that meets a latency budget, by bisection on its capacity
 * knob (more capacity: lower latency, higher cost; common random numbers keep the comparison
 * monotone in practice). Starts from the capacious end; if even that misses the budget, reports it.
 * After `steps` steps it goes on (up to `refine` more) while the bracket's two ends — the leanest
 * setting that meets and the richest that misses — still differ in cost (total or pool) by more
 * than `tolerance`: where p99 falls off a cliff, a few percent of the knob can be half the pool,
 * and policies are compared at their cheapest, not at wherever a fixed number of steps stopped.
 * `evaluate` runs the scenario with the knob set; everything else is pure.
 */
export async function cheapestSetting(
  policy: string,
  knob: Knob,
  meets: (s: Summary) => boolean,
  evaluate: (value: number) => Promise<Summary>,
  steps = 6,
  refine = 6,
  tolerance = 0.05,
): Promise<PolicyResult> {
  const evaluations: Evaluation[] = [];
  const at = async (v: number) => {
    const value = knob.integer ? Math.round(v) : Number(v.toPrecision(6));
    const seen = evaluations.find((e) => e.value === value);
    if (seen) return seen;
    const summary = await evaluate(value);
    const e = { value, summary, meets: meets(summary) };
    evaluations.push(e);
    return e;
  };
  // capacious and lean ends of the knob
  let rich = knob.up ? knob.hi : knob.lo;
  let lean = knob.up ? knob.lo : knob.hi;
  let best = await at(rich);
  if (knob.integer && knob.up && !best.meets) {
    // integer capacity (a pool size, a slack): grow until the budget is met or 16× over
    for (let i = 0; i < 4 && !best.meets; i++) {
      lean = rich;
      rich *= 2;
      best = await at(rich);
    }
  }
  if (!best.meets) return { policy, key: knob.key, best, meetsBudget: false, evaluations };
  let leanEval = await at(lean);
  if (leanEval.meets) return { policy, key: knob.key, best: leanEval, meetsBudget: true, evaluations };
  const to = knob.scale === 'log' ? Math.log : knob.scale === 'miss' ? (v: number) => Math.log(1 - v) : (v: number) => v;
  const from = knob.scale === 'log' ? Math.exp : knob.scale === 'miss' ? (u: number) => 1 - Math.exp(u) : (u: number) => u;
  let richEval = best;
  for (let i = 0; i < steps + refine; i++) {
    if (i >= steps && costGap(richEval, leanEval) <= tolerance) break;
    const mid = from((to(rich) + to(lean)) / 2);
    if (knob.integer && Math.abs(Math.round(mid) - Math.round(rich)) < 1) break;
    const e = await at(mid);
    if (e.meets) {
      rich = mid;
      richEval = e;
    } else {
      lean = mid;
      leanEval = e;
    }
  }
  // the cheapest of the settings that met the budget; on equal total cost (a fixed reserved
  // baseline pays for the pool either way) the one holding fewer ready sandboxes
  const cheaper = (a: Evaluation, b: Evaluation) => {
    const ca = get(a.summary, 'cost.total');
    const cb = get(b.summary, 'cost.total');
    if (Math.abs(ca - cb) > 1e-9 * Math.max(1, Math.abs(cb))) return ca < cb;
    return get(a.summary, 'cost.pool') < get(b.summary, 'cost.pool');
  };
  for (const e of evaluations) if (e.meets && cheaper(e, best)) best = e;
  return { policy, key: knob.key, best, meetsBudget: true, evaluations };
}
