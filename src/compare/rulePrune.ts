import type { Summary } from '../sim/summary.js';
import { get } from '../sim/summary.js';
import { stoppedEarly } from './policySearch.js';
import type { FidelityEvaluator } from './screenedSearch.js';

/**
 * Why a knob's search was not run to the end: `value` missed the budget on every replication, run
 * to the end, at a ready pool costing `poolCost`, more than `bar` — the pool of a setting of the
 * policy's other rule confirmed to meet on every replication. Under the assumption bisection
 * already makes (p99 falls as the knob adds capacity, and the pool's cost rises with it), every
 * setting of this knob that meets lies richer than `value` and costs more still, so the rule
 * cannot be the policy's cheapest.
 */
export interface Pruned {
  value: number;
  poolCost: number;
  bar: number;
}

/** Thrown by `pruningEvaluator` once its knob provably loses (caught by the caller, never shown). */
export class RuleLoses extends Error {
  constructor(readonly pruned: Pruned) {
    super(`rule loses at ${pruned.value}`);
  }
}

/**
 * The pool's cost below which a rival rule's knob must meet to matter: the least pool cost among
 * settings confirmed to meet on every replication (`replications`), run to the end. Infinity
 * when none is (pure).
 */
export function rivalBar(settings: Iterable<{ summary: Summary; meets: boolean }>, replications: number): number {
  let bar = Infinity;
  for (const e of settings) {
    const reps = (e.summary as { replications?: number }).replications ?? 0;
    if (!e.meets || reps < replications || stoppedEarly(e.summary)) continue;
    const p = get(e.summary, 'cost.pool');
    if (Number.isFinite(p) && p < bar) bar = p;
  }
  return bar;
}

/**
 * A `FidelityEvaluator` that ends its knob's search (throws `RuleLoses`) once a setting provably
 * loses to the rival rule's `bar` (see `Pruned`). A screen (fewer than `replications`) that missed,
 * run to the end, at a pool costlier than the bar is confirmed on every replication first — one
 * replication more, which the search would spend on its bracket's lean end anyway — and only that
 * verdict prunes; a confirmation that meets is the search's as before, and it goes on. `seen`
 * receives every summary returned (the pruned knob's evaluations for the report).
 *
 * Why: `compare --policies` searches the oracle's two rules and keeps the cheaper; on kimi-peak
 * the window rule's cheapest pool ($37.2) is 1.64× the Erlang rule's ($22.7), and its full search
 * cost as many full-day replications as a knob that matters (~4–8 of ~50 CPU-s each).
 */
export function pruningEvaluator(
  inner: FidelityEvaluator,
  meets: (s: Summary) => boolean,
  replications: number,
  bar: number,
  seen: (value: number, s: Summary) => void,
): FidelityEvaluator {
  const pool = (s: Summary) => get(s, 'cost.pool');
  const loses = (s: Summary) => !meets(s) && !stoppedEarly(s) && Number.isFinite(pool(s)) && pool(s) > bar;
  return async (value, k, mayStop) => {
    const s = await inner(value, k, mayStop);
    seen(value, s);
    if (!Number.isFinite(bar) || !loses(s)) return s;
    const f = k >= replications ? s : await inner(value, replications, false);
    if (f !== s) seen(value, f);
    if (loses(f)) throw new RuleLoses({ value, poolCost: pool(f), bar });
    return s;
  };
}
