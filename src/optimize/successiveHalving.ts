import { judgeBudgets, type BudgetResult } from '../check/budgets.js';
import { pairedDifference, type Difference } from '../compare/paired.js';
import type { Scenario } from '../scenario/schema.js';
import type { ReplicationResult } from '../sim/replication.js';
import { get, type Summary } from '../sim/summary.js';
import type { Point } from '../sweep/grid.js';

/** One candidate's state in the search. */
export interface Candidate {
  point: Point;
  replications: number;
  summary: Summary;
  results: ReplicationResult[];
  verdicts: BudgetResult[];
  /** 'pass' (every budget passes with confidence), 'fail' (one fails), 'inconclusive'. */
  status: 'pass' | 'fail' | 'inconclusive';
  objective: number;
}

/** The search's answer. */
export interface OptimizeResult {
  winner: Candidate | null;
  runnersUp: Candidate[];
  /** Objective of the runner-up minus the winner's, paired over replications (positive: the winner is cheaper). */
  margin: Difference | null;
  rounds: { replications: number; candidates: number; passing: number }[];
  evaluations: number;
}

/**
 * Successive halving on common random numbers: every candidate runs a few replications; those
 * whose budgets fail with confidence are dropped, the rest ranked by the objective (candidates
 * that pass with confidence first), the better half kept, and replications doubled, until one
 * candidate is left or `maxReplications` is reached. Replications go where decisions are close.
 * `evaluate` runs a point with a number of replications; the rest is pure.
 */
export async function successiveHalving(
  points: readonly Point[],
  scenarioOf: (p: Point) => Scenario,
  evaluate: (p: Point, replications: number) => Promise<{ summary: Summary; results: ReplicationResult[] }>,
  opts: { minimize: string; startReplications: number; maxReplications: number; keep?: number },
): Promise<OptimizeResult> {
  let alive = [...points];
  let reps = opts.startReplications;
  const rounds: OptimizeResult['rounds'] = [];
  let evaluations = 0;
  let last: Candidate[] = [];
  for (;;) {
    const cands: Candidate[] = [];
    for (const p of alive) {
      const { summary, results } = await evaluate(p, reps);
      evaluations++;
      const s = scenarioOf(p);
      const verdicts = judgeBudgets(s.name, s.budgets, summary);
      const status = verdicts.some((v) => v.verdict === 'fail') ? 'fail' : verdicts.every((v) => v.verdict === 'pass') ? 'pass' : 'inconclusive';
      cands.push({ point: p, replications: reps, summary, results, verdicts, status, objective: get(summary, opts.minimize) });
    }
    const viable = cands.filter((c) => c.status !== 'fail');
    const rank = (a: Candidate, b: Candidate) => Number(a.status !== 'pass') - Number(b.status !== 'pass') || a.objective - b.objective || a.point.index - b.point.index;
    viable.sort(rank);
    rounds.push({ replications: reps, candidates: cands.length, passing: cands.filter((c) => c.status === 'pass').length });
    last = viable;
    if (viable.length <= 1 || reps * 2 > opts.maxReplications) break;
    alive = viable.slice(0, Math.max(opts.keep ?? 2, Math.ceil(viable.length / 2))).map((c) => c.point);
    if (alive.length === viable.length && alive.length <= (opts.keep ?? 2)) {
      // nothing left to halve: one more doubling to firm up the verdicts, then stop
      reps *= 2;
      if (reps > opts.maxReplications) break;
      continue;
    }
    reps *= 2;
  }
  const passing = last.filter((c) => c.status === 'pass');
  const winner = passing[0] ?? null;
  const runnersUp = last.filter((c) => c !== winner).slice(0, 3);
  const rival = passing[1] ?? null;
  const margin = winner && rival ? pairedDifference(winner.results, rival.results, opts.minimize) : null;
  return { winner, runnersUp, margin, rounds, evaluations };
}
