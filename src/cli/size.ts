import { UserError } from '../errors.js';
import { sizeSearch, sizingPlan, type Setting, type Tried } from '../optimize/sizing.js';
import { formatValue, type Row } from '../report/format.js';
import { loadScenario } from '../scenario/load.js';
import { simulateFile } from '../sim/simulate.js';
import { get } from '../sim/summary.js';
import { intFlag, simSets, workersFlag, type SimFlags } from './options.js';
import { textTable } from '../report/textTable.js';
import { budgetUnit } from './budgetLines.js';

/** Options of `tidecast size`. */
export interface SizeFlags extends SimFlags {
  format?: string;
  confirmReplications?: string;
}

/** A margin as text: rate margins in percentage points. */
function gap(x: number, u: Row[2], w?: number): string {
  return u === 'rate' ? `${formatValue(x, 'rate', w).replace('%', '')} pp` : formatValue(x, u, w);
}

/** A budget's margin: how far the value, and the interval's far end, sit inside the bound (negative: outside). */
function margins(t: Tried) {
  return t.verdicts.map((v) => {
    const inside = (x: number) => (v.op === '<=' ? v.bound - x : x - v.bound);
    const far = v.ci ? (v.op === '<=' ? v.ci[1] : v.ci[0]) : v.value;
    return { metric: v.metric, budget: v.text, verdict: v.verdict, value: v.value, ci: v.ci, margin: inside(v.value), intervalMargin: inside(far) };
  });
}

/**
 * `tidecast size`: the cheapest reserved capacity, pool knob and overflow threshold that meet
 * every budget of a scenario (see `sizeSearch`), with its cost against the scenario as written
 * and its margin to each budget, confirmed over more replications.
 */
export async function sizeAction(file: string, f: SizeFlags, progress?: (label: string, done: number, total: number) => void) {
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  const sets = simSets(f);
  const s = loadScenario(file, sets);
  if (Object.keys(s.budgets).length === 0) throw new UserError(`${file}: size looks for the cheapest setting that meets the scenario's budgets; the scenario has no budgets`);
  const reps = Math.max(2, s.replications);
  const confirmReps = f.confirmReplications ? intFlag('--confirm-replications', f.confirmReplications, reps) : 2 * reps;
  const plan = sizingPlan(s);
  const workers = workersFlag(f);
  const setsOf = (x: Setting) => Object.entries(x).map(([k, v]) => `${k}=${v}`);
  let runs = 0;
  const t0 = performance.now();
  const result = await sizeSearch(
    s,
    plan,
    async (setting, r) => {
      runs++;
      const label = setsOf(setting).map((x) => x.replace(/^.*\.([^.]+=)/, '$1')).join(',') || 'as written';
      const sim = await simulateFile(file, [...sets, ...setsOf(setting), `replications=${r}`], { workers, onProgress: (d, n) => progress?.(`size #${runs} ${label} ×${r}`, d, n) });
      return sim.summary;
    },
    { replications: reps, confirmReplications: confirmReps },
  );
  const wallS = (performance.now() - t0) / 1000;
  const own = result.asWritten;
  const keys = [...new Set([...(plan.capacity ? [plan.capacity.key] : []), ...plan.pools.flatMap(Object.keys), ...plan.overflows.flatMap(Object.keys)])];
  const c = result.chosen;
  const json = {
    scenario: s.name,
    replications: reps,
    confirmReplications: confirmReps,
    searched: keys,
    chosen: c ? Object.fromEntries(keys.map((k) => [k, c.setting[k] ?? get(s, k)])) : null,
    sets: c ? setsOf(c.setting) : [],
    cost: c ? { chosen: c.cost, ci95: c.summary.ci95['cost.total'], asWritten: own.cost, saving: own.cost - c.cost } : null,
    budgets: c ? margins(c) : [],
    confirmed: result.confirmed ? { replications: confirmReps, passes: result.confirmed.passes, budgets: margins(result.confirmed) } : null,
    asWritten: { cost: own.cost, passes: own.passes, budgets: margins(own) },
    runs,
    wallSeconds: wallS,
  };
  if (format === 'json') return { stdout: JSON.stringify(json, null, 2) + '\n' };
  const lines: string[] = [];
  if (!c) {
    lines.push(`${s.name}: no setting tried meets every budget with confidence over ${reps} replications (${runs} runs); the scenario as written:`);
    lines.push(...textTable(['budget', 'value', 'verdict'], own.verdicts.map((v) => [`${v.metric} ${v.text}`, formatValue(v.value, budgetUnit(v.metric)), v.verdict])));
    return { stdout: lines.join('\n') + '\n' };
  }
  const money = (x: number, hw?: number) => formatValue(x, 'money', hw);
  const ci = c.summary.ci95['cost.total'];
  const hw = ci ? (ci[1] - ci[0]) / 2 : undefined;
  lines.push(`${s.name}: the cheapest setting meeting every budget (${reps} replications on common random numbers, confirmed over ${confirmReps})`);
  lines.push(...textTable(['key', 'as written', 'chosen'], keys.map((k) => [k, String(get(s, k)), String(c.setting[k] ?? get(s, k))])));
  const saving = own.cost - c.cost;
  lines.push(`cost.total ${money(c.cost, hw)}${ci && ci[0] !== ci[1] ? ` (95% CI ${money(ci[0], hw)} … ${money(ci[1], hw)})` : ''} against ${money(own.cost, hw)} as written: ${saving > 0 ? `${money(saving, hw)} (${((saving / own.cost) * 100).toFixed(1)}%) cheaper` : 'the scenario as written is already the cheapest found'}`);
  const conf = result.confirmed!;
  lines.push(...textTable(
    ['budget', 'value', '95% CI', 'margin', `confirmed ×${confirmReps}`],
    margins(c).map((m, i) => {
      const u = budgetUnit(m.metric);
      const cm = margins(conf)[i];
      const w = m.ci ? (m.ci[1] - m.ci[0]) / 2 : undefined;
      return [
        `${m.metric} ${m.budget}`,
        formatValue(m.value, u, w),
        m.ci ? `${formatValue(m.ci[0], u, w)} … ${formatValue(m.ci[1], u, w)}` : '—',
        `${gap(m.margin, u, w)} (interval end ${gap(m.intervalMargin, u, w)})`,
        `${cm.verdict} (${formatValue(cm.value, u, w)})`,
      ];
    }),
  ));
  lines.push(`check it: npx tidecast check ${file} ${[...sets, ...setsOf(c.setting)].map((x) => `--set ${x}`).join(' ')}`.trimEnd());
  lines.push(`${runs} runs in ${wallS.toFixed(1)} s`);
  return { stdout: lines.join('\n') + '\n' };
}
