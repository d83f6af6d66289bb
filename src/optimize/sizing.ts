import { judgeBudgets, type BudgetResult } from '../check/budgets.js';
import { policyKnob } from '../compare/policySearch.js';
import { POLICY_KEYS } from '../policy/registry.js';
import type { Scenario } from '../scenario/schema.js';
import { get, type Summary } from '../sim/summary.js';

/** A setting: scenario keys and their values (applied as `--set key=value`). */
export type Setting = Record<string, number>;

/**
 * What `tidecast size` searches, read from the scenario: the reserved capacity (fixed slots, or
 * the node pool's upper bound), the warm pool's knob (its size, or its policy's capacity knob;
 * every template's own pool scaled together) and the overflow threshold (when serverless is on).
 * Capacity is bisected; the pool and overflow knobs take a few values around the scenario's own.
 */
export interface SizingPlan {
  /** The capacity key (integer), its value as written and the lowest value searched. */
  capacity: { key: string; value: number; lo: number } | null;
  /** Pool settings to try (the scenario's own first); each a full setting of the pool keys. */
  pools: Setting[];
  /** Overflow settings to try (the scenario's own first). */
  overflows: Setting[];
}

/** Keys and values of a scenario's pool knob(s) scaled by `f` (1: as written). */
function poolSetting(s: Scenario, f: number): Setting | null {
  const scaled = (knob: ReturnType<typeof policyKnob>, v: number): number => {
    let x: number;
    if (knob.scale === 'miss') x = 1 - (1 - v) / f; // f = 2: half the misses
    else if (knob.up) x = v * f;
    else x = v / f; // a target utilisation: lower holds more
    x = Math.min(knob.hi, Math.max(knob.lo, x));
    return knob.integer ? Math.round(x) : Number(x.toPrecision(4));
  };
  const one = (prefix: string, wp: { size: number; policy?: Scenario['infrastructure']['warmPool']['policy'] }): Setting | null => {
    const name = wp.policy ? Object.entries(POLICY_KEYS).find(([, k]) => wp.policy![k] !== undefined)?.[0] ?? 'static' : 'static';
    const knob = policyKnob(name, wp.size, prefix);
    const v = name === 'static' ? wp.size : get(s, knob.key);
    if (!Number.isFinite(v)) return null;
    if (name === 'static' && v === 0) return f === 1 ? { [knob.key]: 0 } : null;
    return { [knob.key]: scaled(knob, v) };
  };
  if (!s.templates) return one('infrastructure.warmPool', s.infrastructure.warmPool);
  const out: Setting = {};
  for (const [t, spec] of Object.entries(s.templates)) {
    const x = one(`templates.${t}.warmPool`, spec.warmPool);
    if (!x) return null;
    Object.assign(out, x);
  }
  return out;
}

/** The search space of a scenario (see SizingPlan). */
export function sizingPlan(s: Scenario): SizingPlan {
  const r = s.infrastructure.reserved;
  let capacity: SizingPlan['capacity'] = null;
  if (r.nodes) capacity = { key: 'infrastructure.reserved.nodes.max', value: r.nodes.max, lo: Math.max(r.nodes.min, Math.ceil(r.nodes.max / 2)) };
  else if (Number.isFinite(r.slots) && r.slots > 0) capacity = { key: 'infrastructure.reserved.slots', value: r.slots, lo: Math.ceil(r.slots / 2) };
  const pools: Setting[] = [];
  for (const f of [1, 2, 0.5]) {
    const p = poolSetting(s, f);
    if (p && !pools.some((q) => JSON.stringify(q) === JSON.stringify(p))) pools.push(p);
  }
  const o = s.infrastructure.overflow;
  const overflows: Setting[] = [{}];
  if (s.infrastructure.serverless.enabled && o.queueThreshold > 0) {
    // overflow at once (threshold 0): a start waits for no reserved slot, so fewer slots may do
    // and serverless takes the peaks (on default.yaml: 900 slots, p99 0.81 s, $178 against $182)
    overflows.push({ 'infrastructure.overflow.queueThreshold': 0 });
  }
  return { capacity, pools: pools.length ? pools : [{}], overflows };
}

/** One evaluated setting. */
export interface Tried {
  setting: Setting;
  summary: Summary;
  verdicts: BudgetResult[];
  /** Every budget passes with confidence (as `check` judges). */
  passes: boolean;
  cost: number;
}

/** The answer of the sizing search. */
export interface SizingResult {
  chosen: Tried | null;
  /** The chosen setting over more replications (the confirming run), or null when nothing passed. */
  confirmed: Tried | null;
  asWritten: Tried;
  tried: Tried[];
}

/**
 * Searches the cheapest setting (by `cost.total`; ties — a fixed reserved baseline pays for the
 * pool either way — by the ready pool's cost) whose every budget passes with confidence. All
 * settings run on the same seed and replications (common random numbers), so a cheaper setting
 * wins by its setting, not its luck. For each pool × overflow combination (the scenario's own
 * first) it starts at the cheapest passing capacity so far (before any passes: as written, else
 * 10% less — a cost budget — else 10% or 20% more) — a combination that misses its budgets there
 * is dropped after one run — steps down by 10% while the budgets hold, then bisects
 * the last step to `resolution` (1% of the capacity as written), then walks back up in 4% steps
 * while that is cheaper (overflow to a pricier serverless tier makes cost U-shaped in capacity). The chosen setting is
 * then run again over `confirmReplications` (the first replications are the same streams, the
 * rest new); if a budget no longer passes, capacity goes up a step at a time (at most 4).
 * `evaluate(setting, replications)` runs the scenario; the rest is pure.
 */
export async function sizeSearch(
  s: Scenario,
  plan: SizingPlan,
  evaluate: (setting: Setting, replications: number) => Promise<Summary>,
  opts: { replications: number; confirmReplications: number; resolution?: number },
): Promise<SizingResult> {
  const tried: Tried[] = [];
  const judge = async (setting: Setting, reps: number): Promise<Tried> => {
    const summary = await evaluate(setting, reps);
    const verdicts = judgeBudgets(s.name, s.budgets, summary);
    return { setting, summary, verdicts, passes: verdicts.every((v) => v.verdict === 'pass'), cost: get(summary, 'cost.total') };
  };
  // keys at the scenario's own value are left out: one setting, one run
  const normal = (raw: Setting): Setting => Object.fromEntries(Object.entries(raw).filter(([k, v]) => get(s, k) !== v));
  const at = async (raw: Setting): Promise<Tried> => {
    const setting = normal(raw);
    const key = JSON.stringify(setting);
    const seen = tried.find((t) => JSON.stringify(t.setting) === key);
    if (seen) return seen;
    const t = await judge(setting, opts.replications);
    tried.push(t);
    return t;
  };
  const better = (a: Tried, b: Tried | null) =>
    !b || a.cost < b.cost - 1e-9 * Math.abs(b.cost) || (Math.abs(a.cost - b.cost) <= 1e-9 * Math.abs(b.cost) && get(a.summary, 'cost.pool') < get(b.summary, 'cost.pool'));
  const asWritten = await at({});
  const cap = plan.capacity;
  const step = Math.max(1, opts.resolution ?? (cap ? Math.round(cap.value * 0.01) : 1));
  let best: Tried | null = asWritten.passes ? asWritten : null;
  for (const pool of plan.pools) {
    for (const overflow of plan.overflows) {
      const base = { ...pool, ...overflow };
      if (!cap) {
        const t = await at(base);
        if (t.passes && better(t, best)) best = t;
        continue;
      }
      // first at the cheapest passing capacity so far (else as written, else up to 20% more): a
      // combination that misses there cannot be cheaper, and costs one run
      let hi = best ? (best.setting[cap.key] ?? cap.value) : cap.value;
      let hiT = await at({ ...base, [cap.key]: hi });
      // nothing passes yet: a cost budget may want less capacity, a latency budget more
      for (const f of best ? [] : [0.9, 1.1, 1.2]) {
        if (hiT.passes) break;
        const v = f < 1 ? Math.max(cap.lo, Math.floor(cap.value * f)) : Math.ceil(cap.value * f);
        const t = await at({ ...base, [cap.key]: v });
        if (t.passes) {
          hi = v;
          hiT = t;
        }
      }
      if (!hiT.passes) continue;
      if (better(hiT, best)) best = hiT;
      // down by 10% while it passes, then bisect the last step to `step`
      let lo = hi;
      for (;;) {
        const next = Math.max(cap.lo, Math.floor(hi * 0.9));
        if (next >= hi) break;
        const t = await at({ ...base, [cap.key]: next });
        if (!t.passes) {
          lo = next;
          break;
        }
        hi = next;
        if (better(t, best)) best = t;
      }
      while (lo < hi && hi - lo > step) {
        const mid = Math.round((hi + lo) / 2);
        const t = await at({ ...base, [cap.key]: mid });
        if (t.passes) {
          hi = mid;
          if (better(t, best)) best = t;
        } else lo = mid;
      }
      // Cost need not fall with capacity all the way down: below the peak, sessions overflow to
      // serverless, which may cost more a slot-hour than reserved (default.yaml: 2.2×) — walk back
      // up in 4% steps while that is cheaper (900 slots: $178.3 where the least passing, 870, costs $179.8)
      let here = await at({ ...base, [cap.key]: hi }); // run already: at() returns it from `tried`
      const up4 = Math.max(step, Math.round(cap.value * 0.04));
      for (let i = 0; here.passes && i < 4; i++) {
        const up = await at({ ...base, [cap.key]: hi + up4 });
        if (!up.passes || !(up.cost < here.cost)) break;
        hi += up4;
        here = up;
        if (better(up, best)) best = up;
      }
    }
  }
  if (!best) return { chosen: null, confirmed: null, asWritten, tried };
  // the confirming run: more replications; step capacity up while a budget no longer passes
  let chosen = best;
  let confirmed = await judge(chosen.setting, opts.confirmReplications);
  for (let i = 0; cap && !confirmed.passes && i < 4; i++) {
    chosen = await at({ ...chosen.setting, [cap.key]: (chosen.setting[cap.key] ?? cap.value) + step });
    if (!chosen.passes) continue;
    confirmed = await judge(chosen.setting, opts.confirmReplications);
  }
  return { chosen, confirmed, asWritten, tried };
}
