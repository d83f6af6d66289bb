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
 * The knob's search scale (`Knob.scale`): `to` maps a setting onto it, `from` maps back, and
 * `snap` rounds a setting as searches keep it (integers, or 6 significant digits).
 */
export function knobScale(knob: Knob): { to: (v: number) => number; from: (u: number) => number; snap: (v: number) => number } {
  const to = knob.scale === 'log' ? Math.log : knob.scale === 'miss' ? (v: number) => Math.log(1 - v) : (v: number) => v;
  const from = knob.scale === 'log' ? Math.exp : knob.scale === 'miss' ? (u: number) => 1 - Math.exp(u) : (u: number) => u;
  const snap = (v: number) => (knob.integer ? Math.round(v) : Number(v.toPrecision(6)));
  return { to, from, snap };
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

/**
 * Whether a knob key (as `policyKnob` names it) adds capacity as it grows (`Knob.up`): all but
 * hpa's target utilisation and kpa's target per sandbox, where a larger target is leaner. For keys
 * read back from a JSON, where no `Knob` is at hand.
 */
export function knobUp(key: string): boolean {
  return !/\.hpa\.targetUtilization$|\.kpa\.targetPerSandbox$/.test(key);
}

/**
 * The knobs searched for a policy: its capacity knob, and for the oracle one per rule (the window
 * rule's scale and the Erlang-loss rule's hit rate; the cheaper result stands for the oracle).
 */
export function policyKnobs(policy: string, size: number, p = 'infrastructure.warmPool'): Knob[] {
  const k = policyKnob(policy, size, p);
  if (policy !== 'oracle') return [k];
  return [k, { key: `${p}.policy.oracle.hitRate`, lo: 0.5, hi: 0.9999, up: true, integer: false, scale: 'miss' }];
}

/** One evaluated setting. */
export interface Evaluation {
  /** The knob's scenario key. */
  key: string;
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

/**
 * True when a setting's run was stopped once its miss was certain (`compare --policies`' early
 * stop): its verdict is a miss, its p99 only a floor, and its costs unknown (NaN).
 */
export function stoppedEarly(s: Summary): boolean {
  return (s as { stoppedEarly?: unknown }).stoppedEarly === true;
}

/** Relative difference of two settings' costs: the larger of total cost's and the pool's (unknown, Infinity, when either was stopped early). */
export function costGap(a: Evaluation, b: Evaluation): number {
  if (stoppedEarly(a.summary) || stoppedEarly(b.summary)) return Infinity;
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
 * `evaluate` runs the scenario with the knob set; everything else is pure. Its second argument
 * says whether the run may stop once its miss is certain (bisection only, and only where the
 * setting's cost is not needed next: the lean end and the first `steps` − 1 steps; a stopped lean
 * end whose cost the refining steps need is run again to the end), so the settings tried and the
 * one kept are those of the search without stopping.
 */
export async function cheapestSetting(
  policy: string,
  knob: Knob,
  meets: (s: Summary) => boolean,
  evaluate: (value: number, mayStop: boolean) => Promise<Summary>,
  steps = 6,
  refine = 6,
  tolerance = 0.05,
  method: 'bisect' | 'secant' = 'bisect',
): Promise<PolicyResult> {
  const evaluations: Evaluation[] = [];
  const { to, from, snap } = knobScale(knob);
  const at = async (v: number, mayStop = false) => {
    const value = snap(v);
    const seen = evaluations.find((e) => e.value === value);
    if (seen) return seen;
    const summary = await evaluate(value, mayStop && method === 'bisect');
    const e = { key: knob.key, value, summary, meets: meets(summary) };
    evaluations.push(e);
    return e;
  };
  // a setting stopped early, run again to the end where its cost (or its p99, for the secant) is needed
  const complete = async (e: Evaluation): Promise<Evaluation> => {
    if (!stoppedEarly(e.summary)) return e;
    const summary = await evaluate(e.value, false);
    const f = { key: knob.key, value: e.value, summary, meets: meets(summary) };
    evaluations[evaluations.indexOf(e)] = f;
    return f;
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
  let leanEval = await at(lean, true);
  if (leanEval.meets) return { policy, key: knob.key, best: leanEval, meetsBudget: true, evaluations };
  let richEval = best;
  let kept = 0; // secant: +n when the rich end stayed n times in a row, −n the lean (Illinois)
  for (let i = 0; i < steps + refine; i++) {
    // secant: stop as soon as the bracket is within the tolerance (no fixed steps first)
    if (method === 'secant' || i >= steps) {
      leanEval = await complete(leanEval);
      if (costGap(richEval, leanEval) <= tolerance) break;
    }
    const mid = from(method === 'secant' ? secantPoint(to(rich), to(lean), richEval, leanEval, meets, kept, evaluations, toleranceWidth(richEval, leanEval, to(rich), to(lean), tolerance)) : (to(rich) + to(lean)) / 2);
    if (knob.integer && Math.abs(Math.round(mid) - Math.round(rich)) < 1) break;
    // a miss here is the lean end the next step's cost check reads, from step `steps` − 1 on
    const e = await at(mid, i < steps - 1);
    if (e.meets) {
      rich = mid;
      richEval = e;
      kept = kept < 0 ? kept - 1 : -1;
    } else {
      lean = mid;
      leanEval = e;
      kept = kept > 0 ? kept + 1 : 1;
    }
  }
  return { policy, key: knob.key, best: cheapest(evaluations.filter((e) => e.meets)), meetsBudget: true, evaluations };
}

/**
 * The width on the knob's search scale of a bracket whose ends differ in cost by `tolerance`,
 * from two settings' costs (cost taken as linear in the knob between them): where the search
 * may stop. 0 when either cost is unknown (a run stopped early) or the two cost the same.
 */
export function toleranceWidth(a: Evaluation, b: Evaluation, ua: number, ub: number, tolerance: number): number {
  const gap = costGap(a, b);
  return Number.isFinite(gap) && gap > 0 ? (Math.abs(ua - ub) * tolerance) / gap : 0;
}

/**
 * The log p99 at which `meets` flips, found by bisection on a copy of `like` with its p99 set
 * (the budget as a p99, whatever its operator); NaN when it does not flip in [e⁻¹⁰, e¹⁰] s.
 */
export function budgetLogP99(meets: (s: Summary) => boolean, like: Summary): number {
  const ok = (l: number) => meets({ ...like, startLatency: { ...(like.startLatency as Record<string, number>), p99: Math.exp(l) } });
  let lo = -10;
  let hi = 10;
  if (!ok(lo) || ok(hi)) return NaN;
  for (let k = 0; k < 60; k++) {
    const m = (lo + hi) / 2;
    if (ok(m)) lo = m;
    else hi = m;
  }
  return lo;
}

/**
 * The next point of a safeguarded regula falsi (Illinois) on log p99 against the knob (on its
 * search scale): where the line through the bracket's two ends crosses the budget. Near the
 * budget p99 moves smoothly with the knob (kimi-peak's 2-hour slice: 2.35, 2.15, 2.10, 2.00,
 * 1.90, 1.37 s over 3% of little's headroom), so the crossing lands close; far from it one end
 * sits at a floor (the claim latency) or a ceiling, so the point is kept at least a tenth of the
 * bracket from either end, an end kept twice in a row has its weight halved each time (the
 * Illinois rule). Where both ends sit on plateaus (each shares its p99 with another setting
 * on its side: a pure cliff, p99 either 0.05 s or 5 s) it bisects. Falls back to
 * the midpoint when the ends' p99 do not straddle the budget.
 *
 * Aimed: the search stops once the bracket is `width` wide (the tolerance's width, from the
 * ends' costs), so the point is not the crossing itself but past it toward the end farther from
 * it, 0.9 `width` from the nearer end (at least 0.2 `width` past the crossing, else 0.4): if the
 * line was right that close, the point and the nearer end close the bracket, where the crossing
 * itself leaves one end as far as it was (regula falsi's one-sided convergence). Only once the
 * bracket is within 4 widths, or the line crosses within half a width of an end: wider, the line
 * (and the width, cost taken as linear in the knob) is too rough for the aim to matter (on
 * test/compare/seededSearch's fakes it saved nothing there), but a crossing next to an end left
 * the point a tenth of the bracket from it, creeping (kimi-peak's 6-hour slice, little: misses at
 * 1.06112 and 1.06174, p99 2.024 and 2.004 s, a tenth of a bracket 8 widths wide apart).
 */
function secantPoint(
  uRich: number,
  uLean: number,
  rich: Evaluation,
  lean: Evaluation,
  meets: (s: Summary) => boolean,
  kept: number,
  all: readonly Evaluation[],
  width = 0,
): number {
  const mid = (uRich + uLean) / 2;
  const p99 = (e: Evaluation) => get(e.summary, 'startLatency.p99');
  const pr = p99(rich);
  const pl = p99(lean);
  if (!(pr > 0 && pl > 0) || pr === pl) return mid;
  // both ends on a plateau (each shares its p99 with another setting on its side): a pure cliff, where the line says nothing
  if (all.some((e) => e !== rich && e.meets && p99(e) === pr) && all.some((e) => e !== lean && !e.meets && p99(e) === pl)) return mid;
  // the budget as a p99; the ends must straddle it (the rich end's p99 meets, the lean end's not)
  const lo = budgetLogP99(meets, rich.summary);
  if (!(Math.log(pr) <= lo && Math.log(pl) > lo)) return mid;
  let fr = Math.log(pr) - lo; // ≤ 0: the rich end's distance below the budget
  let fl = Math.log(pl) - lo; // > 0: the lean end's above it
  if (kept >= 2) fr /= 2 ** (kept - 1);
  if (kept <= -2) fl /= 2 ** (-kept - 1);
  const w = fl / (fl - fr); // 0 at the lean end, 1 at the rich end
  // aimed past the crossing toward the farther end: so that the point and the nearer end are
  // 0.9 of the tolerance's width apart; where the nearer end is too far for that (two points
  // are needed anyway), 0.4 of the width, so that the next from the other side closes it
  const D = Math.abs(uRich - uLean);
  const near = Math.min(w, 1 - w) * D;
  const s = width > 0 && (D < 4 * width || near < 0.5 * width) ? (0.9 * width - near >= 0.2 * width ? 0.9 * width - near : 0.4 * width) : 0;
  const t = Math.min(0.9, Math.max(0.1, w < 0.5 ? w + s / D : w - s / D));
  return uLean + (uRich - uLean) * t;
}

/** Half the width of a summary's 95% interval of total cost across replications (0 with one). */
function totalNoise(e: Evaluation): number {
  const ci = e.summary.ci95?.['cost.total'];
  return ci ? (ci[1] - ci[0]) / 2 : 0;
}

/**
 * The cheapest of several settings: the lowest total cost, and among the settings whose total
 * is within that one's 95% interval (the replications cannot tell them apart: a fixed reserved
 * baseline pays for the pool either way, or node costs vary by chance more than the pool
 * moves them) the one holding the fewest ready sandboxes — the cost the pool policy decides.
 */
export function cheapest(settings: readonly Evaluation[]): Evaluation {
  let low = settings[0];
  for (const e of settings) if (get(e.summary, 'cost.total') < get(low.summary, 'cost.total')) low = e;
  const bound = get(low.summary, 'cost.total') + Math.max(totalNoise(low), 1e-9 * Math.abs(get(low.summary, 'cost.total')));
  let best = low;
  for (const e of settings) if (get(e.summary, 'cost.total') <= bound && get(e.summary, 'cost.pool') < get(best.summary, 'cost.pool')) best = e;
  return best;
}

/** The better of one policy's searches over several knobs: the cheapest that meets the budget (else the first). */
export function bestOf(results: PolicyResult[]): PolicyResult {
  const met = results.filter((r) => r.meetsBudget);
  if (met.length === 0) return results[0];
  const best = cheapest(met.map((r) => r.best));
  return met.find((r) => r.best === best)!;
}
