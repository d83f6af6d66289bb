import type { Summary } from '../sim/summary.js';
import { get } from '../sim/summary.js';
import { budgetLogP99, cheapest, cheapestSetting, costGap, knobScale, stoppedEarly, toleranceWidth, type Evaluation, type Knob, type PolicyResult } from './policySearch.js';

/**
 * Evaluates a knob setting on its first `replications` replications (1 to screen, all to
 * confirm). Replication r of a setting is the same however many run with it (common random
 * numbers), so a caller keeps each replication once and adds the rest when asked.
 */
export type FidelityEvaluator = (value: number, replications: number, mayStop?: boolean) => Promise<Summary>;

/** A setting of the knob as the proxy (`--search-from`) ran it to the end: its p99 and its pool's cost. */
export interface ProxyPoint {
  value: number;
  p99: number;
  poolCost: number;
}

/**
 * Slopes on the knob's search scale `u` near the budget, fitted (least squares) to the proxy's
 * settings whose p99 lies within a factor of 2 of the budget (`lB`, its log): of log p99 (`p99`,
 * its sign opposite to `capacity`'s, the sign of u's change as capacity grows) and of log pool
 * cost (`pool`). Undefined where fewer than two such
 * settings, at distinct settings and p99s, give a p99 that falls with capacity (pure).
 */
export function proxySlopes(points: readonly ProxyPoint[], u: (v: number) => number, lB: number, capacity: number): { p99: number; pool: number } | undefined {
  const within = points.filter((p) => p.p99 > 0 && Number.isFinite(p.p99) && Math.abs(Math.log(p.p99) - lB) <= Math.LN2 && Number.isFinite(u(p.value)));
  // a plateau (settings sharing one p99: the reactive floor's ceiling, forecast's 3.27 s at hit
  // rates 0.5–0.92 on kimi-peak's slice) says nothing of the slope: of settings with the same p99,
  // only the one nearest the crossing (the nearest to the settings off the plateau) is kept
  const off = within.filter((p) => within.filter((q) => q.p99 === p.p99).length === 1);
  const centre = off.length ? off.reduce((a, p) => a + u(p.value), 0) / off.length : NaN;
  const near = within.filter((p) => {
    const same = within.filter((q) => q.p99 === p.p99);
    return same.length === 1 || !Number.isFinite(centre) || same.every((q) => Math.abs(u(q.value) - centre) >= Math.abs(u(p.value) - centre));
  });
  if (new Set(near.map((p) => p.value)).size < 2 || new Set(near.map((p) => p.p99)).size < 2) return undefined;
  const fit = (ys: number[], xs: number[]) => {
    const mx = xs.reduce((a, x) => a + x, 0) / xs.length;
    const my = ys.reduce((a, y) => a + y, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    return sxx > 0 ? sxy / sxx : NaN;
  };
  const xs = near.map((p) => u(p.value));
  const p99 = fit(near.map((p) => Math.log(p.p99)), xs);
  const costed = near.filter((p) => p.poolCost > 0 && Number.isFinite(p.poolCost));
  const pool = costed.length >= 2 ? fit(costed.map((p) => Math.log(p.poolCost)), costed.map((p) => u(p.value))) : NaN;
  // toward capacity (`capacity`: the sign of u's change as capacity grows) p99 must fall
  if (!Number.isFinite(p99) || p99 === 0 || Math.sign(p99) !== -Math.sign(capacity)) return undefined;
  return { p99, pool };
}

/** How a screened search ran (for the evaluation counts `compare` reports). */
export interface ScreenedResult extends PolicyResult {
  /** Replications run in all (an evaluation on every replication counts all of them). */
  replicationsRun: number;
  /** Settings evaluated on every replication. */
  confirmed: number;
  /** Replications of the warm pools' reduced model run to screen (`compare --search-screen pool`). */
  poolRuns?: number;
}

/**
 * The cheapest setting meeting the budget, searched on one replication and confirmed on all.
 *
 * Why: the search narrows a bracket over the whole knob range (kimi-peak at 1%: ~11 settings a
 * knob), and each setting of a Kimi-scale day costs a replication of ~1 CPU-minute. Most of
 * those settings are far from the cliff, where one replication already says which side they are
 * on. So the search runs on the first replication; then the bracket's two ends — the cheapest
 * setting that met and the richest leaner one that missed — are run on every replication. Only
 * the all-replication verdicts decide: if either end flips, the bracket is cut at it and the
 * one-replication search goes on inside the part still unsettled, until both ends hold on every
 * replication and differ in cost by at most `tolerance`. Under the assumption bisection already
 * makes (p99 monotone in the knob, which common random numbers give in practice) this finds the
 * same bracket as the search on every replication, so the setting it keeps is within the
 * tolerance of the exhaustive search's; screening only changes which settings are tried on the
 * way. `screen` false (or `replications` ≤ 1) is the plain search on every replication.
 * Where `cheapestSetting` allows, a run may stop once its miss is certain (`evaluate`'s
 * `mayStop`); confirmations run to the end, as the bracket's costs are read from them.
 */
export async function screenedCheapest(
  policy: string,
  knob: Knob,
  meets: (s: Summary) => boolean,
  evaluate: FidelityEvaluator,
  replications: number,
  steps = 6,
  refine = 6,
  tolerance = 0.05,
  method: 'bisect' | 'secant' = 'bisect',
  screen = true,
  seed?: number,
  seedLean?: number,
  proxy?: readonly ProxyPoint[],
): Promise<ScreenedResult> {
  // every replication's summary of a setting, and the one-replication screens not yet confirmed
  const full = new Map<number, Summary>();
  const screened = new Map<number, Summary>();
  let replicationsRun = 0;
  // the knob's search scale: settings mapped onto it (u), back (from), rounded as kept (snap)
  const { to: u, from, snap } = knobScale(knob);
  // on every replication; to the end unless `mayStop` (a confirmation's costs are the
  // bracket's), and a stopped run asked for again without it is run to the end
  const confirm = async (value: number, mayStop = false): Promise<Summary> => {
    let s = full.get(value);
    if (!s || (!mayStop && stoppedEarly(s))) {
      if (!s) replicationsRun += replications - (screened.has(value) ? 1 : 0);
      s = await evaluate(value, replications, mayStop);
      full.set(value, s);
    }
    return s;
  };
  // the seed's first step on the search scale: the width of the proxy's own final bracket (its kept
  // setting, the seed, to `seedLean`, the richest leaner setting that missed there: within the
  // tolerance on the proxy, so where the proxy's crossing is the scenario's the seed and one step
  // bracket it, and each knob needs only its two confirming ends); 2% of the knob's range without one
  // or where that is wider
  const span = Math.abs(u(knob.hi) - u(knob.lo));
  const proxyWidth = seed !== undefined && seedLean !== undefined && Number.isFinite(seed) && Number.isFinite(seedLean) ? Math.abs(u(seed) - u(seedLean)) : NaN;
  const seedStep = proxyWidth > 0 && proxyWidth < 0.02 * span ? proxyWidth : 0.02 * span;
  if (!screen || replications <= 1) {
    // the plain search (one replication screens nothing), which may stop its certain misses
    const r = await cheapestSetting(policy, knob, meets, (v, mayStop) => (replications <= 1 ? onOne(v, mayStop) : confirm(v, mayStop)), steps, refine, tolerance, method);
    return { ...r, replicationsRun, confirmed: full.size };
  }
  return screenedRounds();

  // the screen: one replication, stopped once its miss is certain when `mayStop` (and run again
  // to the end when asked without)
  async function onOne(value: number, mayStop = false): Promise<Summary> {
    const f = full.get(value);
    if (f) return f;
    let s = screened.get(value);
    if (!s || (!mayStop && stoppedEarly(s))) {
      s = await evaluate(value, 1, mayStop);
      if (!screened.has(value)) replicationsRun += 1;
      screened.set(value, s);
    }
    return s;
  }

  // [rich, lean] around a seed by the screen's verdicts: the nearest setting that met and the
  // nearest leaner one that missed, widening ×2 from 2% of the knob's range on its search scale
  // (from the proxy's own bracket, `seedStep`, where it gave one); the knob's own end where none did
  async function seedBracket(seed: number): Promise<[number, number]> {
    const hiEnd = knob.up ? knob.hi : knob.lo;
    const loEnd = knob.up ? knob.lo : knob.hi;
    const clamp = (v: number) => Math.min(knob.hi, Math.max(knob.lo, v));
    const range = u(hiEnd) - u(loEnd); // signed: toward more capacity
    let at = snap(clamp(seed));
    let last = await onOne(at, false);
    const met = meets(last);
    let rich = met ? at : hiEnd;
    let lean = met ? loEnd : at;
    for (let k = 0, step = Math.sign(range) * seedStep; k < 12; k++) {
      const end = met ? loEnd : hiEnd;
      const next = snap(clamp(from(u(at) + (met ? -step : step))));
      if (next === at || next === end) break;
      const prev = at;
      at = next;
      const s = await onOne(at, false);
      if (meets(s) === met) {
        if (met) rich = at;
        else lean = at;
        // secant: the next step from the line through the last two screens' log p99 (doubling
        // where it says nothing: a plateau, or p99 moving away from the budget)
        step = method === 'secant' ? extrapolatedStep(prev, last, at, s, step) : 2 * step;
        last = s;
        continue;
      }
      if (met) lean = at;
      else rich = at;
      break;
    }
    return [rich, lean];
  }

  // secant with the proxy's settings near its crossing: [rich, lean] around a seed by verdicts on
  // every replication, each probe aimed by a line. Screens are not used: near the crossing the first
  // replication's p99 crosses up to 4% of the knob from the mean's (kimi-peak's day, hpa: the
  // screen near 0.979, the mean near 0.969), and a probe on every replication runs its
  // replications side by side. From the seed's p99 on the scenario, the proxy's slope of log p99
  // (fitted near its crossing: two settings of the scenario near the budget differ by a bin or two
  // of the p99 histogram, and their line says little) gives the crossing; the probe goes 0.4 of the
  // tolerance's width past it (the width from the proxy's slope of log pool cost), or 0.9 of the
  // width from the seed where the crossing is nearer than half a width, so that the seed and the
  // probe close the bracket. A probe that does not flip the verdict is the next start, the line
  // then through the last two settings where their p99 differ by 3% or more, and each step at
  // least twice the last. Undefined (the screened walk instead) without a usable proxy slope.
  async function secantSeedBracket(seed: number): Promise<[number, number] | undefined> {
    if (!proxy || proxy.length < 2) return undefined;
    const like = { startLatency: {} } as unknown as Summary;
    const lB0 = budgetLogP99(meets, like);
    if (!Number.isFinite(lB0)) return undefined;
    const slopes = proxySlopes(proxy, u, lB0, u(knob.up ? knob.hi : knob.lo) - u(knob.up ? knob.lo : knob.hi));
    if (!slopes) return undefined;
    const hiEnd = knob.up ? knob.hi : knob.lo;
    const loEnd = knob.up ? knob.lo : knob.hi;
    const clamp = (v: number) => Math.min(knob.hi, Math.max(knob.lo, v));
    const width = Number.isFinite(slopes.pool) && slopes.pool !== 0 ? Math.min(tolerance / Math.abs(slopes.pool), 0.02 * span) : seedStep;
    const lp = (x: Summary) => Math.log(get(x, 'startLatency.p99'));
    let at = snap(clamp(seed));
    let s = await confirm(at);
    const met = meets(s);
    let rich = met ? at : hiEnd;
    let lean = met ? loEnd : at;
    let prev: [number, Summary] | undefined;
    let last = 0; // the last step's length on the search scale
    for (let k = 0; k < 12; k++) {
      // the slope: the line through the last two settings where it says something, else the proxy's
      let slope = slopes.p99;
      if (prev && !stoppedEarly(prev[1]) && Math.abs(lp(prev[1]) - lp(s)) >= 0.03) {
        const d = (lp(s) - lp(prev[1])) / (u(at) - u(prev[0]));
        if (Number.isFinite(d) && Math.sign(d) === Math.sign(slopes.p99)) slope = d;
      }
      const ahead = stoppedEarly(s) ? NaN : (budgetLogP99(meets, s) - lp(s)) / slope; // signed on the search scale
      // toward the crossing: leaner from a setting that met, richer from one that missed
      const dir = (met ? -1 : 1) * Math.sign(u(hiEnd) - u(loEnd));
      let d = Number.isFinite(ahead) && Math.sign(ahead) === dir ? (Math.abs(ahead) < 0.5 * width ? 0.9 * width : Math.abs(ahead) + 0.4 * width) : 2 * Math.max(last, width);
      if (k >= 2) d = Math.max(d, 2 * last); // the line fell short twice: at least double
      d = Math.min(d, 0.25 * span);
      const end = met ? loEnd : hiEnd;
      const next = snap(clamp(from(u(at) + dir * d)));
      if (next === at) break;
      prev = [at, s];
      last = Math.abs(u(next) - u(at));
      at = next;
      s = await confirm(at);
      if (meets(s) === met) {
        if (met) rich = at;
        else lean = at;
        if (at === end) break;
        continue;
      }
      if (met) lean = at;
      else rich = at;
      break;
    }
    return [rich, lean];
  }

  // the step (signed as the knob's range toward capacity) from `at` to where the line through two
  // screens' log p99 crosses the budget, then 0.4 of the tolerance's width beyond it (so the next
  // screen likely lands past the crossing, near it); within ½× to 4× the last step, ×2 where the
  // line does not point ahead
  function extrapolatedStep(prev: number, ps: Summary, at: number, s: Summary, step: number): number {
    const [u0, u1] = [u(prev), u(at)];
    const [l0, l1] = [Math.log(get(ps, 'startLatency.p99')), Math.log(get(s, 'startLatency.p99'))];
    const lB = budgetLogP99(meets, s);
    const slope = (l1 - l0) / (u1 - u0);
    const ahead = (lB - l1) / slope; // signed distance on the search scale from `at` to the crossing
    const width = toleranceWidth({ key: knob.key, value: prev, summary: ps, meets: false }, { key: knob.key, value: at, summary: s, meets: false }, u0, u1, tolerance);
    const dir = Math.sign(u1 - u0);
    if (!Number.isFinite(ahead) || Math.sign(ahead) !== dir || !(Math.abs(step) > 0)) return 2 * step;
    const d = Math.min(4 * Math.abs(step), Math.max(0.5 * Math.abs(step), Math.abs(ahead) + 0.4 * width));
    return Math.sign(step) * d;
  }

  async function screenedRounds(): Promise<ScreenedResult> {
    // the bracket on the knob: `rich` meets (on every replication, once confirmed), `lean` misses
    let rich = knob.up ? knob.hi : knob.lo;
    let lean = knob.up ? knob.lo : knob.hi;
    const richer = (a: number, b: number) => (knob.up ? a > b : a < b);
    const evaluations = (): Evaluation[] => {
      const out: Evaluation[] = [];
      for (const [value, summary] of full) out.push({ key: knob.key, value, summary, meets: meets(summary) });
      for (const [value, summary] of screened) if (!full.has(value)) out.push({ key: knob.key, value, summary, meets: meets(summary) });
      return out;
    };
    // met: the cheapest confirmed setting by `cheapest`'s rule (the same as the plain search's)
    const done = (last: Evaluation, meetsBudget: boolean): ScreenedResult => {
      const all = evaluations();
      const best = meetsBudget ? cheapest(all.filter((e) => e.meets && full.has(e.value))) : last;
      return { policy, key: knob.key, best, meetsBudget, evaluations: all, replicationsRun, confirmed: full.size };
    };
    // the setting nearest v on its rich side that meets (`meeting`), or on its lean side that
    // misses, by the best verdict known (every replication's where run); the knob's end if none
    const nearest = (v: number, meeting: boolean): number => {
      let n = meeting ? (knob.up ? knob.hi : knob.lo) : knob.up ? knob.lo : knob.hi;
      for (const e of evaluations()) {
        if (e.meets !== meeting) continue;
        if (meeting ? richer(e.value, v) && richer(n, e.value) : richer(v, e.value) && richer(e.value, n)) n = e.value;
      }
      // secant: where the line through v's p99 on every replication crosses the budget, the slope
      // from the nearest other setting run on every replication (else from the screens)
      if (method === 'secant') {
        const g = aimedPast(v, meeting);
        if (g !== undefined && (meeting ? richer(n, g) && richer(g, v) : richer(g, n) && richer(v, g))) return g;
      }
      // seeded: rather than the knob's end, a guess past v, 4% of the range and ×2 each time used
      // (its verdict comes from the search that follows, which widens again if it is wrong)
      if (seeded) {
        const g = snap(Math.min(knob.hi, Math.max(knob.lo, from(u(v) + (meeting ? widen : -widen) * (u(knob.up ? knob.hi : knob.lo) - u(knob.up ? knob.lo : knob.hi))))));
        if (meeting ? richer(n, g) && richer(g, v) : richer(g, n) && richer(v, g)) {
          widen *= 2;
          n = g;
        }
      }
      return n;
    };
    // a confirmed setting v's crossing of the budget by its p99 on every replication and a slope
    // of log p99 on the knob's search scale, then 0.4 of the tolerance's width past it (so that
    // the setting found and v likely bracket the crossing within the tolerance): from half that
    // width (0.1% of the knob's range where the costs do not tell it) to 8% of the range from v;
    // none where the line does not point past v toward `meeting`
    const aimedPast = (v: number, meeting: boolean): number | undefined => {
      const sv = full.get(v);
      if (!sv || stoppedEarly(sv)) return undefined;
      const lp = (s: Summary) => Math.log(get(s, 'startLatency.p99'));
      const usable = (s: Summary | undefined, ref: Summary) => s !== undefined && !stoppedEarly(s) && Number.isFinite(lp(s)) && lp(s) !== lp(ref);
      // the slope's other point: the nearest setting run on every replication, else on the screen
      const pick = (m: Map<number, Summary>, ref: Summary) => {
        let w: number | undefined;
        for (const [x, s] of m) if (x !== v && usable(s, ref) && (w === undefined || Math.abs(u(x) - u(v)) < Math.abs(u(w) - u(v)))) w = x;
        return w;
      };
      let w = pick(full, sv);
      let slope: number;
      if (w !== undefined) slope = (lp(full.get(w)!) - lp(sv)) / (u(w) - u(v));
      else {
        const s0 = screened.get(v);
        if (!s0 || stoppedEarly(s0)) return undefined;
        w = pick(screened, s0);
        if (w === undefined) return undefined;
        slope = (lp(screened.get(w)!) - lp(s0)) / (u(w) - u(v));
      }
      const ws = full.get(w) ?? screened.get(w)!;
      const ahead = (budgetLogP99(meets, sv) - lp(sv)) / slope;
      const span = u(knob.up ? knob.hi : knob.lo) - u(knob.up ? knob.lo : knob.hi); // toward capacity
      const dir = meeting ? Math.sign(span) : -Math.sign(span);
      if (!Number.isFinite(ahead) || Math.sign(ahead) !== dir) return undefined;
      const width = toleranceWidth(at(w, ws), at(v, sv), u(w), u(v), tolerance);
      const d = Math.min(0.08 * Math.abs(span), Math.max(width > 0 ? 0.5 * width : 0.001 * Math.abs(span), Math.abs(ahead) + 0.4 * width));
      return snap(Math.min(knob.hi, Math.max(knob.lo, from(u(v) + dir * d))));
    };
    let widen = 0.04;
    const at = (value: number, summary: Summary): Evaluation => ({ key: knob.key, value, summary, meets: meets(summary) });
    // Once a confirmation contradicts the screen (a setting that met on the first replication
    // misses on all, or the reverse), the screen is off near the cliff: the rest of the search
    // runs on every replication inside the bracket the confirmations left (on kimi-peak's slice
    // the first replication's p99 crossed 2 s up to 4% of the knob away from the mean's).
    let trusted = true;
    // the finest bracket the plain search reaches (its steps and refining halvings of the knob's
    // range on its search scale): narrower, a cost gap over the tolerance is a jump in cost (a
    // p99 plateau, hpa on kimi-peak's slice: 1.5147 → 1.4814 across 2·10⁻⁵ of the target), not a
    // cheaper setting left to find
    const finest = Math.abs(u(knob.hi) - u(knob.lo)) / 2 ** (steps + refine);
    const narrow = () => Math.abs(u(rich) - u(lean)) <= finest;
    // each round ends or narrows the bracket to settings inside it; the bound only stops a
    // pathological evaluator
    // a seed (the setting a cheap proxy chose: a short slice, an earlier run): probe it on the
    // screen and widen ×2 from 2% of the range until the screen's verdicts bracket the budget;
    // round 0 then searches only that bracket. The seed only guides, as the screen does: the
    // bracket's ends are confirmed on every replication below, and a contradiction widens the
    // search as it does for a screen
    const seeded = seed !== undefined && Number.isFinite(seed);
    if (seeded) [rich, lean] = (method === 'secant' ? await secantSeedBracket(seed!) : undefined) ?? (await seedBracket(seed!));
    // secant: inside the seed's bracket every setting runs on every replication. Its probes land
    // near the cliff, where the first replication's crossing lies up to 4% of the knob from the
    // mean's (kimi-peak), so screening there buys a confirmation that often contradicts it; the
    // line on the mean needs about as many probes (6-hour slice of kimi-peak, 2026-12-02: 28
    // replications against 31 screened, the same settings within 0.5% of the pool)
    if (seeded && method === 'secant') trusted = false;
    for (let round = 0; round < 12; round++) {
      if (round > 0 && narrow()) {
        // the finest bracket; its lean end must miss on every replication too, not only on the
        // screen (near a cliff the screen misplaces, seeded probes crowd around the screen's own)
        if (meets(await confirm(lean, true))) {
          trusted = false;
          rich = lean;
          lean = nearest(lean, false);
          continue;
        }
        // and its rich end meet on every replication: it may have met on the screen only (the
        // nearest that met, taken after a contradiction), and then the cliff is richer still
        if (meets(await confirm(rich)) || rich === (knob.up ? knob.hi : knob.lo)) break;
        trusted = false;
        lean = rich;
        rich = nearest(rich, true);
        continue;
      }
      const inner: Knob = { ...knob, lo: knob.up ? lean : rich, hi: knob.up ? rich : lean };
      // after the first round the ends are known: no fixed steps, just down to the tolerance
      // later rounds: as many halvings as the finest bracket leaves
      const left = Math.max(1, Math.ceil(Math.log2(Math.abs(u(rich) - u(lean)) / finest)));
      const r = await cheapestSetting(policy, inner, meets, trusted ? onOne : (v) => confirm(v), round === 0 && !seeded ? steps : 0, round === 0 && !seeded ? refine : left, tolerance, method);
      if (!r.meetsBudget) {
        // the richest setting tried misses on one replication (or on all): is it so on all?
        const f = await confirm(r.best.value);
        if (!meets(f)) {
          if (rich === (knob.up ? knob.hi : knob.lo) || r.best.value !== rich) return done(at(r.best.value, f), false);
          // an end that met on its screen misses on all: the cliff is richer, up to the next that met
          trusted = false;
          lean = rich;
          rich = nearest(lean, true);
          continue;
        }
        trusted = false;
        rich = r.best.value;
        continue;
      }
      // the leanest setting that met (by the knob, not by total cost: one replication has no
      // interval to tell totals apart, and the bracket is about the cliff)
      let b = r.best.value;
      for (const e of r.evaluations) if (e.meets && richer(b, e.value)) b = e.value;
      const fb = await confirm(b);
      if (!meets(fb)) {
        // the screen was lucky: the cliff lies on the rich side of b, up to the next setting that met
        trusted = false;
        lean = b;
        rich = nearest(b, true);
        continue;
      }
      rich = b;
      // the richest setting leaner than b that missed (none: b is the lean end)
      let l: number | undefined;
      for (const e of r.evaluations) if (!e.meets && richer(b, e.value) && (l === undefined || richer(e.value, l))) l = e.value;
      if (l === undefined) {
        if (b === (knob.up ? knob.lo : knob.hi)) return done(at(b, fb), true);
        // b is the bracket's lean end, which had missed on its screen: the cliff lies leaner still
        trusted = false;
        rich = b;
        lean = nearest(b, false);
        continue;
      }
      const fl = await confirm(l);
      if (meets(fl)) {
        // the screen was unlucky: l meets on every replication, the cliff lies leaner, down to the next that missed
        trusted = false;
        rich = l;
        lean = nearest(l, false);
        continue;
      }
      lean = l;
      const tooClose = knob.integer && Math.abs(rich - lean) <= 1;
      if (!trusted || tooClose || narrow() || costGap(at(b, fb), at(l, fl)) <= tolerance) return done(at(b, fb), true);
    }
    const f = await confirm(rich);
    return done(at(rich, f), evaluations().some((e) => e.meets && full.has(e.value)));
  }
}
