import { bestOf, policyKnobs, type Knob, type PolicyResult } from '../compare/policySearch.js';
import { screenedCheapest, type ProxyPoint, type ScreenedResult } from '../compare/screenedSearch.js';
import { poolScreened, replicationEvaluator, slots } from '../compare/evaluator.js';
import { poolOnlyScenario } from '../sim/poolOnly.js';
import { countedArrivalsBound } from '../compare/earlyStop.js';
import { knobUp, stoppedEarly } from '../compare/policySearch.js';
import { pruningEvaluator, rivalBar, RuleLoses, type Pruned } from '../compare/rulePrune.js';
import type { Summary } from '../sim/summary.js';
import { prepareInputs } from '../workload/build.js';
import { usableCores } from '../engine/cores.js';
import { UserError } from '../errors.js';
import { POLICY_KEYS } from '../policy/registry.js';
import { reportHtml } from '../report/html.js';
import { renderSvg } from '../report/svg.js';
import { loadScenario } from '../scenario/load.js';
import { simulateFile } from '../sim/simulate.js';
import { get } from '../sim/summary.js';
import { writeOutputs } from './run.js';
import { textTable } from '../report/textTable.js';

/**
 * The most evaluations one knob's search makes (see `cheapestSetting`): its two ends, up to 4
 * doublings of an integer pool, `steps` bisection steps and up to 6 refining ones.
 */
function searchBound(knob: { integer: boolean; up: boolean }, steps: number): number {
  return 2 + (knob.integer && knob.up ? 4 : 0) + steps + 6;
}

/** Policies whose best setting is the "best reactive" yardstick. */
const REACTIVE = ['little', 'hpa', 'kpa'];

/**
 * `compare --policies`: every policy on the same random streams, each at its cheapest setting
 * that meets the scenario's `startLatency.p99` budget (bisection on the policy's capacity knob),
 * with cost ratios to the oracle and to the best reactive policy.
 */
export async function comparePoliciesAction(
  file: string,
  policies: string[],
  sets: string[],
  opts: { workers?: number; limits?: { maxEvents?: number; maxMemoryBytes?: number }; outDir?: string; format: 'text' | 'json'; steps?: number; tolerance?: number; method?: 'bisect' | 'secant'; screen?: boolean | 'pool'; stop?: boolean; seeds?: ReadonlyMap<string, number>; seedPoolCosts?: ReadonlyMap<string, number>; seedLeans?: ReadonlyMap<string, number>; seedPoints?: ReadonlyMap<string, readonly ProxyPoint[]>; prune?: boolean; proxy?: { slice: string; replicationsRun: number } },
  progress?: (label: string, done: number, total: number) => void,
) {
  const base = loadScenario(file, sets);
  const budget = base.budgets['startLatency.p99'];
  if (!budget) throw new UserError(`${file}: compare --policies finds each policy's cheapest setting that meets the scenario's "startLatency.p99" budget; the scenario has none (add budgets: { "startLatency.p99": "<= 2s" })`);
  const meets = (s: Parameters<typeof get>[0]) => {
    const v = get(s, 'startLatency.p99');
    return budget.op === '<=' ? v <= budget.value : v >= budget.value;
  };
  // with templates, each template has its own pool: the policy drives every one of them
  const templates = base.templates ? Object.entries(base.templates) : [];
  const poolKey = templates.length ? 'templates.*.warmPool' : 'infrastructure.warmPool';
  // overall progress in replications run, of at most `bound` (every search at its most, on every replication)
  const knobs = policies.map((name) => policyKnobs(name, base.infrastructure.warmPool.size, poolKey));
  const reps = base.replications;
  const screenOn = (opts.screen ?? true) !== false;
  // screen on the warm pools' reduced model (every replication), where the scenario allows it
  const poolScreen = opts.screen === 'pool' && reps > 1 && poolOnlyScenario(base) !== null;
  const perSearch = (k: { integer: boolean; up: boolean }) => searchBound(k, opts.steps ?? 6) * reps;
  let bound = knobs.flat().reduce((n, k) => n + perSearch(k), 0);
  let done = 0;
  // every replication is one task on one worker thread (in this thread with --workers 0); the
  // knob searches run side by side, so two keep two workers busy while each screens on one
  const limit = slots(opts.workers === 0 ? 1 : (opts.workers ?? usableCores()));
  // Stop a run once its miss is certain (`--search-stop`, bisection only): the p99 of a
  // replication's counted starts, at most its counted arrivals — the same at every setting, as
  // common random numbers draw the arrivals from streams no policy touches
  const stopOn = (opts.stop ?? true) && budget.op === '<=' && (opts.method ?? 'bisect') === 'bisect';
  const inputs = stopOn ? prepareInputs(base, file) : undefined;
  const arrivalBounds = new Map<number, number>();
  const maxCount = (r: number) => {
    let n = arrivalBounds.get(r);
    if (n === undefined) arrivalBounds.set(r, (n = countedArrivalsBound(base, inputs!, r)));
    return n;
  };
  const search = async (name: string, knob: Knob, bar = Infinity): Promise<ScreenedResult & { pruned?: Pruned }> => {
    const settings = (value: number): string[] => {
      if (!templates.length) return [`infrastructure.warmPool.policy={ ${POLICY_KEYS[name]}: {} }`, `${knob.key}=${value}`];
      return templates.flatMap(([t, spec]) => {
        const at = (key: string) => key.replace('*', t);
        // static scales each template's own pool size; the others set their knob on every pool
        const v = name === 'static' ? Math.round(spec.warmPool.size * value) : value;
        return [`${at(poolKey)}.policy={ ${POLICY_KEYS[name]}: {} }`, `${at(knob.key)}=${v}`];
      });
    };
    const runner = (poolOnly: boolean) => async (value: number, replication: number, stopAboveS?: number) => {
      const stop = stopAboveS === undefined ? undefined : { q: 0.99, aboveS: stopAboveS, maxCount: maxCount(replication) };
      const sim = await simulateFile(file, [...sets, ...settings(value)], { workers: opts.workers === 0 ? 0 : 1, limits: opts.limits, only: [replication], stop, poolOnly });
      progress?.(`${name} ${knob.key.split('.').pop()}=${value}${poolOnly ? ' (pools)' : ''}`, ++done, Math.max(bound, done));
      return { scenario: sim.scenario, result: sim.results[0] };
    };
    const full = replicationEvaluator(runner(false), limit, stopOn ? budget.value : undefined);
    const pools = poolScreen ? replicationEvaluator(runner(true), limit, stopOn ? budget.value : undefined) : null;
    const screening = pools ? poolScreened(full, pools, reps) : full;
    // a rival rule's confirmed pool (`bar`): this knob's search ends once it provably loses to it
    const seen = new Map<number, Summary>();
    const evaluate = Number.isFinite(bar) ? pruningEvaluator(screening, meets, reps, bar, (v, s) => { const o = seen.get(v); if (!o || (o as { replications: number }).replications <= (s as { replications: number }).replications) seen.set(v, s); }) : screening;
    let r: ScreenedResult & { pruned?: Pruned };
    try {
      r = await screenedCheapest(name, knob, meets, evaluate, reps, opts.steps, undefined, opts.tolerance, opts.method, screenOn, opts.seeds?.get(`${name} ${knob.key}`), opts.seedLeans?.get(`${name} ${knob.key}`), opts.seedPoints?.get(`${name} ${knob.key}`));
    } catch (e) {
      if (!(e instanceof RuleLoses)) throw e;
      const evaluations = [...seen].map(([value, summary]) => ({ key: knob.key, value, summary, meets: meets(summary) }));
      const best = evaluations.find((x) => x.value === e.pruned.value)!;
      r = { policy: name, key: knob.key, best, meetsBudget: false, evaluations, replicationsRun: 0, confirmed: evaluations.filter((x) => (x.summary as { replications: number }).replications >= reps).length, pruned: e.pruned };
    }
    // every replication run, a stopped one and its rerun to the end both counted (the reduced model's apart)
    r.replicationsRun = full.runs;
    if (pools) r.poolRuns = pools.runs;
    // the search stopped short of its bound: what it did not need comes off the total
    bound -= perSearch(knob) - r.replicationsRun;
    progress?.(`${name} done`, done, Math.max(bound, done));
    return r;
  };
  // A policy with several rules (the oracle's window and Erlang-loss rules), each seeded with its
  // pool's cost on the proxy: its rules are searched one after the other, the cheapest on the proxy
  // first, and each later one ends once it provably loses to those before (`--search-prune`,
  // src/compare/rulePrune.ts). Unseeded, or without the proxy's costs, side by side, every rule to
  // the end: the order must not depend on which thread finishes first (outputs are per seed).
  const pruneOn = (opts.prune ?? true) && opts.seedPoolCosts !== undefined;
  const searchPolicy = async (name: string, ks: Knob[]): Promise<(ScreenedResult & { pruned?: Pruned })[]> => {
    const cost = (k: Knob) => opts.seedPoolCosts?.get(`${name} ${k.key}`);
    if (!pruneOn || ks.length < 2 || ks.some((k) => cost(k) === undefined)) return Promise.all(ks.map((knob) => search(name, knob)));
    const order = ks.map((k, i) => i).sort((a, b) => cost(ks[a])! - cost(ks[b])! || a - b);
    const out: (ScreenedResult & { pruned?: Pruned })[] = new Array(ks.length);
    for (const i of order) {
      const done = out.filter((r) => r !== undefined);
      out[i] = await search(name, ks[i], rivalBar(done.flatMap((r) => r.evaluations), reps));
    }
    return out;
  };
  const searched = await Promise.all(policies.map((name, p) => searchPolicy(name, knobs[p])));
  // the oracle's two rules: the cheaper stands for it, with every setting tried under either
  const results: PolicyResult[] = searched.map((searches) => ({ ...bestOf(searches), evaluations: searches.flatMap((r) => r.evaluations) }));
  const replicationsRun = searched.flat().reduce((n, r) => n + r.replicationsRun, 0);
  const poolRuns = searched.flat().reduce((n, r) => n + (r.poolRuns ?? 0), 0);
  const poolOnly = (e: { summary: object }) => (e.summary as { poolOnly?: boolean }).poolOnly === true;
  const cost = (r: PolicyResult) => get(r.best.summary, 'cost.total');
  const pool = (r: PolicyResult) => get(r.best.summary, 'cost.pool');
  const oracle = results.find((r) => r.policy === 'oracle' && r.meetsBudget);
  const reactive = results.filter((r) => REACTIVE.includes(r.policy) && r.meetsBudget);
  // the best reactive policy by the same rule as each policy's cheapest setting (totals within noise: the leaner pool)
  const bestReactive = reactive.length ? bestOf(reactive) : undefined;
  const bestReactivePool = reactive.length ? reactive.reduce((a, b) => (pool(a) <= pool(b) ? a : b)) : undefined;
  const json = {
    scenario: base.name,
    budget: { metric: 'startLatency.p99', bound: budget.text },
    // how the searches ran: replications run in all, and whether settings were screened on the first
    search: { method: opts.method ?? 'bisect', screen: screenOn && reps > 1, ...(poolScreen ? { screenModel: 'pools', poolReplicationsRun: poolRuns } : {}), replicationsRun, stop: stopOn, seeded: opts.seeds ? opts.seeds.size : 0, prune: pruneOn, ...(opts.proxy ? { seededFrom: opts.proxy } : {}), stoppedEarly: searched.flat().reduce((n, r) => n + r.evaluations.filter((e) => stoppedEarly(e.summary)).length, 0) },
    policies: Object.fromEntries(
      results.map((r, p) => [
        r.policy,
        {
          setting: { [r.key]: r.best.value },
          // a rule whose search ended once it provably lost to another rule (`--search-prune`): not its cheapest
          ...(searched[p].some((x) => x.pruned) ? { notSearchedToEnd: searched[p].filter((x) => x.pruned).map((x) => ({ key: x.key, ...x.pruned })) } : {}),
          meetsBudget: r.meetsBudget,
          cost: cost(r),
          poolCost: pool(r),
          startLatencyP99: get(r.best.summary, 'startLatency.p99'),
          warmHitRate: get(r.best.summary, 'warmHitRate'),
          // a run stopped once its miss was certain: its p99 a floor, its costs unknown (null)
          evaluations: r.evaluations.map((e) => ({ key: e.key, value: e.value, replications: (e.summary as { replications: number }).replications, meets: e.meets, cost: get(e.summary, 'cost.total'), poolCost: get(e.summary, 'cost.pool'), startLatencyP99: get(e.summary, 'startLatency.p99'), ...(poolOnly(e) ? { model: 'pools' } : {}), ...(stoppedEarly(e.summary) ? { stoppedEarly: true, stoppedAtS: (e.summary as unknown as { stoppedAtS: number[] }).stoppedAtS } : {}) })),
        },
      ]),
    ),
    ratios: Object.fromEntries(results.map((r) => [r.policy, { vsOracle: oracle ? cost(r) / cost(oracle) : null, vsBestReactive: bestReactive ? cost(r) / cost(bestReactive) : null }])),
    poolCostRatios: Object.fromEntries(results.map((r) => [r.policy, { vsOracle: oracle ? pool(r) / pool(oracle) : null, vsBestReactive: bestReactivePool ? pool(r) / pool(bestReactivePool) : null }])),
  };
  const notes: string[] = [];
  if (opts.outDir) {
    const values = results.flatMap((r) => r.evaluations.filter((e) => !stoppedEarly(e.summary) && !poolOnly(e)).map((e) => ({ policy: r.policy, cost: get(e.summary, 'cost.total'), p99: get(e.summary, 'startLatency.p99'), chosen: e === r.best ? 'cheapest meeting the budget' : 'tried' })));
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `Policies on ${base.name}: cost against p99 start latency`, subtitle: `every setting tried; filled: each policy's cheapest meeting ${budget.text}`, anchor: 'start' },
      width: 640,
      height: 360,
      data: { values },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#999' }, encoding: { y: { datum: budget.value } } },
        { mark: { type: 'point', size: 70 }, encoding: { x: { field: 'cost', type: 'quantitative', scale: { zero: false }, title: 'total cost ($)', axis: { format: '$,~r' } }, y: { field: 'p99', type: 'quantitative', scale: { type: 'symlog' }, title: 'p99 start latency (s)' }, color: { field: 'policy', type: 'nominal' }, fill: { condition: { test: "datum.chosen !== 'tried'", field: 'policy', type: 'nominal' }, value: 'transparent' }, tooltip: [{ field: 'policy' }, { field: 'cost', format: ',.2f' }, { field: 'p99', format: '.3f' }] } },
      ],
    };
    const svg = await renderSvg(spec);
    writeOutputs(opts.outDir, {
      'policies.json': JSON.stringify(json, null, 2) + '\n',
      'policies.svg': svg,
      'report.html': reportHtml({ title: `tidecast compare --policies — ${base.name}`, subtitle: `each policy at its cheapest setting meeting ${budget.text}`, tableHtml: '', charts: [{ id: 'policies', spec, svg }], appendix: [{ heading: 'Results (JSON)', text: JSON.stringify(json, null, 2) }] }),
    });
    notes.push(`wrote ${opts.outDir}/policies.json, policies.svg and report.html`);
  }
  if (opts.format === 'json') return { stdout: JSON.stringify(json, null, 2) + '\n', notes };
  // total-cost ratios, and the ready pool's (where a fixed reserved baseline pays for the pool, totals are all 1.000 and only these differ)
  const rows = [['policy', 'setting', 'meets', 'p99 s', 'warm-hit', 'cost', 'pool cost', '× oracle', '× best reactive', 'pool × oracle', 'pool × best reactive']];
  const x = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));
  for (const r of results) {
    const ratio = json.ratios[r.policy];
    const pr = json.poolCostRatios[r.policy];
    rows.push([
      r.policy,
      `${r.key.split('.').pop()}=${r.best.value}`,
      r.meetsBudget ? 'yes' : 'NO',
      get(r.best.summary, 'startLatency.p99').toFixed(3),
      `${(get(r.best.summary, 'warmHitRate') * 100).toFixed(2)}%`,
      cost(r).toFixed(2),
      pool(r).toFixed(2),
      ratio.vsOracle === null ? '—' : ratio.vsOracle.toFixed(3),
      ratio.vsBestReactive === null ? '—' : ratio.vsBestReactive.toFixed(3),
      x(pr.vsOracle),
      x(pr.vsBestReactive),
    ]);
  }
  const lines = textTable(rows[0], rows.slice(1), 'llrrrrrrrrr');
  for (const [p, searches] of searched.entries()) {
    const won = results[p];
    for (const x of searches.filter((y) => y.pruned)) {
      // cents, or as many digits as tell the two apart
      let d = 2;
      while (d < 8 && x.pruned!.poolCost.toFixed(d) === x.pruned!.bar.toFixed(d)) d++;
      lines.push('', `${won.policy}: its ${x.key.split('.').pop()} rule was not searched to the end: ${x.key.split('.').pop()}=${x.pruned!.value} missed on all ${reps} replications at a pool of $${x.pruned!.poolCost.toFixed(d)}, more than the $${x.pruned!.bar.toFixed(d)} of a setting of its other rule that met; its settings that meet lie richer and cost more still`);
    }
  }
  lines.push('', `budget: startLatency.p99 ${budget.text}; each policy's cheapest setting meeting it, found by ${opts.method === 'secant' ? 'secant' : 'bisection'} on its capacity knob${screenOn && reps > 1 ? ` ${poolScreen ? ` screened on the warm pools' reduced model (${poolRuns} replications of it), confirmed on all ${reps} of the full model` : ` screened on the first replication, confirmed on all ${reps}`}` : ''} (${replicationsRun} replications run${json.search.stoppedEarly ? `, ${json.search.stoppedEarly} settings stopped once their miss was certain` : ''}${opts.proxy ? `; seeded from the same comparison on ${opts.proxy.slice.includes('+') ? `the slice ${opts.proxy.slice}` : `the first ${opts.proxy.slice}`}, ${opts.proxy.replicationsRun} replications of it` : ''}); common random numbers`);
  return { stdout: lines.join('\n') + '\n', notes };
}

/**
 * Seeds for `--search-from`: from an earlier `compare --policies` JSON (a cheap slice, or an
 * earlier run of the scenario), each policy's knob at the leanest setting that met there (runs
 * stopped early left out), keyed "<policy> <knob key>". They only guide the screen.
 */
export function searchSeeds(file: string, text: string): Map<string, number> {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new UserError(`--search-from ${file}: expected the JSON of compare --policies (--format json or policies.json), got text that is not JSON`);
  }
  const policies = (j as { policies?: unknown }).policies;
  if (!policies || typeof policies !== 'object') throw new UserError(`--search-from ${file}: expected the JSON of compare --policies, with a "policies" object; got none`);
  const seeds = new Map<string, number>();
  for (const [name, p] of Object.entries(policies as Record<string, { evaluations?: { key: string; value: number; meets: boolean; stoppedEarly?: boolean }[] }>)) {
    const evs = Array.isArray(p?.evaluations) ? p.evaluations : [];
    for (const e of evs) {
      if (!e || !e.meets || e.stoppedEarly || typeof e.key !== 'string' || !Number.isFinite(e.value)) continue;
      // leanest: the knob's direction from its name (hpa/kpa: a larger target is leaner)
      const up = knobUp(e.key);
      const k = `${name} ${e.key}`;
      const v = seeds.get(k);
      if (v === undefined || (up ? e.value < v : e.value > v)) seeds.set(k, e.value);
    }
  }
  return seeds;
}

/** What an earlier `compare --policies` JSON says about each knob (keyed as `searchSeeds`): the seeds, their pools' costs, and the richest setting leaner than each seed that missed. */
export interface SeedInfo {
  seeds: Map<string, number>;
  /** The pool's cost of each seed there: the order `--search-prune` searches a policy's rules in (the cheapest first). */
  poolCosts: Map<string, number>;
  /** The richest setting leaner than the seed that missed there (stopped ones too): the proxy's own bracket, the seed's first step. */
  leans: Map<string, number>;
  /** Every setting of the knob run to the end there, with its p99 and pool cost: the proxy's slopes near its crossing (the secant's first probe). */
  points: Map<string, ProxyPoint[]>;
}

/** `searchSeeds`, and for each seed its pool's cost and the proxy's lean end (`SeedInfo`; a value not finite is left out). */
export function searchSeedInfo(file: string, text: string): SeedInfo {
  const seeds = searchSeeds(file, text);
  const policies = (JSON.parse(text) as { policies: Record<string, { evaluations?: { key: string; value: number; meets: boolean; poolCost?: number | null; startLatencyP99?: number | null; stoppedEarly?: boolean; model?: string }[] }> }).policies;
  const poolCosts = new Map<string, number>();
  const leans = new Map<string, number>();
  const points = new Map<string, ProxyPoint[]>();
  for (const [name, p] of Object.entries(policies)) {
    for (const e of Array.isArray(p?.evaluations) ? p.evaluations : []) {
      if (!e || typeof e.key !== 'string' || !Number.isFinite(e.value)) continue;
      const k = `${name} ${e.key}`;
      const seed = seeds.get(k);
      if (seed === undefined) continue;
      if (e.meets && seed === e.value && typeof e.poolCost === 'number' && Number.isFinite(e.poolCost)) poolCosts.set(k, e.poolCost);
      if (!e.stoppedEarly && e.model === undefined && typeof e.startLatencyP99 === 'number' && Number.isFinite(e.startLatencyP99) && typeof e.poolCost === 'number' && Number.isFinite(e.poolCost)) {
        if (!points.has(k)) points.set(k, []);
        points.get(k)!.push({ value: e.value, p99: e.startLatencyP99, poolCost: e.poolCost });
      }
      const up = knobUp(e.key);
      const leaner = up ? e.value < seed : e.value > seed;
      const l = leans.get(k);
      if (!e.meets && leaner && (l === undefined || (up ? e.value > l : e.value < l))) leans.set(k, e.value);
    }
  }
  return { seeds, poolCosts, leans, points };
}
