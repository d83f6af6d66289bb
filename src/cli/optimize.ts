import { UserError } from '../errors.js';
import { successiveHalving, type Candidate } from '../optimize/successiveHalving.js';
import { loadScenario } from '../scenario/load.js';
import { METRIC_KEYS } from '../scenario/metricKeys.js';
import { simulateFile } from '../sim/simulate.js';
import { get } from '../sim/summary.js';
import { gridPoints, parseAxis, samplePoints, type Point } from '../sweep/grid.js';
import { intFlag, limitsFlags, simSets, workersFlag, type SimFlags } from './options.js';
import { formatValue } from '../report/format.js';
import { budgetUnit } from './budgetLines.js';

/** Options of `tidecast optimize`. */
export interface OptimizeFlags extends SimFlags {
  vary?: string[];
  samples?: string;
  minimize?: string;
  maxReplications?: string;
  format?: string;
}

/**
 * `tidecast optimize`: the cheapest configuration (by `--minimize`, default cost.total) whose
 * budgets hold with confidence, as `tidecast check` judges them, searched by successive halving
 * over a grid or random samples of `--vary` keys.
 */
export async function optimizeAction(file: string, f: OptimizeFlags, progress?: (label: string, done: number, total: number) => void) {
  if (!f.vary || f.vary.length === 0) throw new UserError('optimize: give at least one --vary key=a,b,c or key=lo..hi:step');
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  const minimize = f.minimize ?? 'cost.total';
  if (!METRIC_KEYS.includes(minimize)) throw new UserError(`--minimize: expected a summary key such as cost.total or cost.perSession, got "${minimize}"`);
  const sets = simSets(f);
  const base = loadScenario(file, sets);
  if (Object.keys(base.budgets).length === 0) throw new UserError(`${file}: optimize looks for the cheapest configuration whose budgets hold; the scenario has no budgets`);
  const axes = f.vary.map(parseAxis);
  const points: Point[] = f.samples ? samplePoints(axes, intFlag('--samples', f.samples, 1), base.seed) : gridPoints(axes);
  const pointSets = (p: Point) => [...sets, ...Object.entries(p.values).map(([k, v]) => `${k}=${v}`)];
  const scenarios = new Map(points.map((p) => [p.index, loadScenario(file, pointSets(p))])); // validates every point first
  const start = f.replications ? intFlag('--replications', f.replications, 2) : Math.max(2, Math.min(base.replications, 3));
  const max = f.maxReplications ? intFlag('--max-replications', f.maxReplications, start) : 16;
  const workers = workersFlag(f);
  const limits = limitsFlags(f);
  // overall progress in replications run, of at most `bound` (every candidate passing)
  const bound = halvingRuns(points.length, start, max);
  let runs = 0;
  const result = await successiveHalving(
    points,
    (p) => scenarios.get(p.index)!,
    async (p, reps) => {
      const label = Object.entries(p.values).map(([k, v]) => `${k.split('.').pop()}=${v}`).join(',');
      const sim = await simulateFile(file, [...pointSets(p), `replications=${reps}`], { workers, limits, onProgress: (d) => progress?.(`optimize ${label} ×${reps}`, runs + d, bound) });
      runs += reps;
      return { summary: sim.summary, results: sim.results };
    },
    { minimize, startReplications: start, maxReplications: max },
  );
  // the scenario as written, for "cheaper than the scenario's own"
  const ownReps = result.winner?.replications ?? start;
  const own = await simulateFile(file, [...sets, `replications=${ownReps}`], { workers, limits, onProgress: (d) => progress?.('optimize: the scenario as written', runs + d, runs + ownReps) });
  const describe = (c: Candidate) => ({
    setting: c.point.values,
    [minimize]: c.objective,
    ci95: c.summary.ci95[minimize],
    replications: c.replications,
    budgets: c.status,
    verdicts: Object.fromEntries(c.verdicts.map((v) => [v.metric, { verdict: v.verdict, value: v.value, ci: v.ci, budget: v.text }])),
  });
  const json = {
    scenario: base.name,
    minimize,
    winner: result.winner ? describe(result.winner) : null,
    runnersUp: result.runnersUp.map(describe),
    margin: result.margin,
    scenarioOwn: { [minimize]: get(own.summary, minimize), ci95: own.summary.ci95[minimize] },
    rounds: result.rounds,
    evaluations: result.evaluations,
  };
  if (format === 'json') return { stdout: JSON.stringify(json, null, 2) + '\n' };
  // rounded to what each interval supports (cost.total 85.5239 ± 0.4 → $85.52)
  const unit = budgetUnit(minimize);
  const halfOf = (ci: [number, number] | null | undefined) => (ci ? (ci[1] - ci[0]) / 2 : undefined);
  const fmt = (x: number, hw?: number) => formatValue(x, unit, hw);
  const lines: string[] = [];
  if (!result.winner) lines.push(`no configuration passed every budget with confidence (${result.rounds.at(-1)?.replications} replications); runners-up below`);
  else {
    const w = result.winner;
    lines.push(`winner: ${Object.entries(w.point.values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const wci = w.summary.ci95[minimize];
    const whw = halfOf(wci);
    lines.push(`  ${minimize} ${fmt(w.objective, whw)} (95% CI ${wci?.map((x) => fmt(x, whw)).join(' … ') ?? '—'}), every budget passes over ${w.replications} replications`);
    lines.push(`  the scenario as written: ${minimize} ${fmt(get(own.summary, minimize), halfOf(own.summary.ci95[minimize]))}`);
    const m = result.margin;
    if (m) lines.push(`  runner-up costs ${fmt(m.delta, halfOf(m.ci))} more (95% CI ${m.ci ? m.ci.map((x) => fmt(x, halfOf(m.ci))).join(' … ') : '—'}), paired over common random numbers`);
  }
  for (const c of result.runnersUp) lines.push(`runner-up: ${Object.entries(c.point.values).map(([k, v]) => `${k}=${v}`).join(' ')}  ${minimize} ${fmt(c.objective, halfOf(c.summary.ci95[minimize]))}  budgets ${c.status}`);
  lines.push(`successive halving: ${result.rounds.map((r) => `${r.candidates} × ${r.replications} reps (${r.passing} passing)`).join(' → ')}; ${result.evaluations} runs`);
  return { stdout: lines.join('\n') + '\n' };
}

/**
 * The most replications successive halving runs over `n` candidates (none failing: the longest
 * schedule, see `successiveHalving`), plus the scenario as written at the last round's count.
 */
export function halvingRuns(n: number, start: number, max: number, keep = 2): number {
  let total = 0;
  let reps = start;
  for (;;) {
    total += n * reps;
    if (n <= 1 || reps * 2 > max) break;
    const next = Math.max(keep, Math.ceil(n / 2));
    if (next >= n && n <= keep) {
      reps *= 2;
      if (reps > max) break;
      continue;
    }
    n = Math.min(n, next);
    reps *= 2;
  }
  return total + reps;
}
