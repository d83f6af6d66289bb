import { basename, dirname } from 'node:path';
import { pairedDifference, type Difference } from '../compare/paired.js';
import { UserError } from '../errors.js';
import { POLICY_KEYS } from '../policy/registry.js';
import { formatValue, rowsFor, SUMMARY_ROWS } from '../report/format.js';
import { scenarioAsRun } from '../scenario/asRun.js';
import { simulateFile, type Simulated } from '../sim/simulate.js';
import { get } from '../sim/summary.js';
import { blameVary, limitsFlags, simSets, toleranceFlag, workersFlag, type SimFlags } from './options.js';
import { loadScenario } from '../scenario/load.js';
import { formatDuration, parseDuration } from '../scenario/units.js';
import { sliceable, sliceSets, steepestRiseStart } from '../compare/proxySlice.js';
import { splitValues } from '../sweep/grid.js';
import { guardOutDir, guardOutFile } from './outGuard.js';
import { writeOutputs } from './run.js';
import { textTable } from '../report/textTable.js';
import type { SeedInfo } from './comparePolicies.js';

/** Options of `tidecast compare` as commander hands them over. */
export interface CompareFlags extends SimFlags {
  vary?: string[];
  policies?: string;
  searchSteps?: string;
  searchTolerance?: string;
  searchMethod?: string;
  searchScreen?: string;
  searchStop?: string;
  searchPrune?: string;
  searchFrom?: string;
  out?: string;
  force?: boolean;
  csv?: string;
  format?: string;
}

/** A variant to run: a file and its own overrides. */
interface VariantSpec {
  name: string;
  file: string;
  sets: string[];
}

/** Validated options of `tidecast compare`. */
export interface CompareContext {
  variants: VariantSpec[];
  /** With --policies: the policy names (compared at their cheapest settings meeting the budget). */
  policies?: string[];
  /** Bisection steps per policy after the two ends. */
  searchSteps: number;
  /** Refining goes on while the settings either side of the budget differ in cost by more than this (relative). */
  searchTolerance: number;
  searchMethod: 'bisect' | 'secant';
  /** Screen each setting on the first replication (or, 'pool', on the warm pools' reduced model), confirming the bracket on all (`--search-screen`). */
  searchScreen: boolean | 'pool';
  /** Stop a run once its miss of the p99 budget is certain (`--search-stop`). */
  searchStop: boolean;
  /** Seeded with the proxy's pool costs, search a policy's rules cheapest first and end one once it provably loses (`--search-prune`). */
  searchPrune: boolean;
  /** An earlier compare --policies JSON whose settings seed each knob's bracket (`--search-from`). */
  searchFrom?: string;
  /** `--search-from slice:[<start>|auto+]<duration>`: the seeds from the same comparison on that stretch of the scenario (s; a twelfth of it warm-up). */
  searchSlice?: { startS: number; durationS: number; auto: boolean; sets: string[] };
  sets: string[];
  workers?: number;
  limits?: { maxEvents?: number; maxMemoryBytes?: number };
  outDir?: string;
  /** `--csv FILE`: every variant's metrics and paired differences as CSV. */
  csv?: string;
  format: 'text' | 'json';
  quiet: boolean;
}

/**
 * Variants are the files given, each with the shared `--set`s; `--vary key=a,b,c` instead makes
 * one variant of the (single) file per value, and several `--vary` keys are zipped (variant i
 * takes the i-th value of each: a bigger pool together with the slots it occupies).
 */
export function compareContext(files: string[], f: CompareFlags): CompareContext {
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  if (f.out !== undefined) guardOutDir('--out', f.out, f.force);
  if (f.csv !== undefined) guardOutFile('--csv', f.csv, f.force);
  const sets = simSets(f);
  let variants: VariantSpec[];
  if (f.policies) {
    if (files.length !== 1) throw new UserError(`--policies: give one scenario file, got ${files.length}`);
    const names = f.policies.split(',').map((x) => x.trim()).filter((x) => x !== '');
    const bad = names.find((n) => !(n in POLICY_KEYS));
    if (bad) throw new UserError(`--policies: unknown policy "${bad}"; expected some of ${Object.keys(POLICY_KEYS).join(', ')}`);
    variants = names.map((n) => ({ name: n, file: files[0], sets: [...sets, `infrastructure.warmPool.policy={ ${POLICY_KEYS[n]}: {} }`] }));
  } else if (f.vary && f.vary.length > 0) {
    if (files.length !== 1) throw new UserError(`--vary: give one scenario file to vary, got ${files.length}`);
    // Several --vary keys are zipped: variant i takes the i-th value of every key.
    const keys = f.vary.map((v) => {
      const m = /^([^=]+)=(.+)$/.exec(v);
      if (!m) throw new UserError(`--vary ${v}: expected key.path=a,b,… e.g. --vary infrastructure.warmPool.size=20,60`);
      const values = splitValues(m[2], `--vary ${v}`);
      if (values.length < 2) throw new UserError(`--vary ${v}: expected at least two values separated by commas`);
      return { key: m[1].trim(), values };
    });
    const n = keys[0].values.length;
    const odd = keys.find((k) => k.values.length !== n);
    if (odd) throw new UserError(`--vary ${odd.key}: has ${odd.values.length} values but ${keys[0].key} has ${n}; varied keys are zipped, so give each the same number`);
    variants = Array.from({ length: n }, (_, i) => ({
      name: keys.map((k) => `${k.key.split('.').pop()}=${k.values[i]}`).join(','),
      file: files[0],
      sets: [...sets, ...keys.map((k) => `${k.key}=${k.values[i]}`)],
    }));
    // every variant must load before any runs; a bad value is the --vary flag's, not a --set's
    variants.forEach((v, i) => blameVary(() => loadScenario(v.file, v.sets), keys.map((k) => ({ set: `${k.key}=${k.values[i]}`, flag: `--vary ${k.key}=${k.values.join(',')}`, nth: i + 1 }))));
  } else {
    if (files.length < 2) throw new UserError('compare: give two or more scenario files, or one file with --vary key=a,b');
    variants = files.map((file) => ({ name: basename(file).replace(/\.ya?ml$/, ''), file, sets }));
    const seen = new Map<string, number>();
    for (const v of variants) {
      const k = seen.get(v.name) ?? 0;
      seen.set(v.name, k + 1);
      if (k > 0) v.name = `${v.name}#${k + 1}`;
    }
  }
  const policies = f.policies ? variants.map((v) => v.name) : undefined;
  const searchSteps = f.searchSteps === undefined ? 6 : Number(f.searchSteps);
  if (!Number.isInteger(searchSteps) || searchSteps < 0 || searchSteps > 30) throw new UserError(`--search-steps: expected a whole number from 0 to 30, got "${f.searchSteps}"`);
  const searchTolerance = toleranceFlag(f.searchTolerance ?? '5%', '--search-tolerance');
  if (!(searchTolerance > 0 && searchTolerance < 1)) throw new UserError(`--search-tolerance: expected a percentage above 0 and below 100%, got "${f.searchTolerance}"`);
  const searchMethod = f.searchMethod ?? 'bisect';
  if (searchMethod !== 'bisect' && searchMethod !== 'secant') throw new UserError(`--search-method: expected "bisect" or "secant", got "${searchMethod}"`);
  const searchScreen = f.searchScreen ?? 'on';
  if (searchScreen !== 'on' && searchScreen !== 'off' && searchScreen !== 'pool') throw new UserError(`--search-screen: expected "on", "off" or "pool", got "${searchScreen}"`);
  const searchStop = f.searchStop ?? 'on';
  if (searchStop !== 'on' && searchStop !== 'off') throw new UserError(`--search-stop: expected "on" or "off", got "${searchStop}"`);
  const searchPrune = f.searchPrune ?? 'on';
  if (searchPrune !== 'on' && searchPrune !== 'off') throw new UserError(`--search-prune: expected "on" or "off", got "${searchPrune}"`);
  // `slice:[<start>+|auto+]<duration>`: the proxy is run first, on that stretch (a twelfth of it the warm-up)
  let searchSlice: CompareContext['searchSlice'];
  if (f.searchFrom?.startsWith('slice:')) {
    if (!policies) throw new UserError('--search-from slice:<duration> seeds the searches of compare --policies; give --policies too');
    const hint = 'expected slice:<duration>, slice:<start>+<duration> or slice:auto+<duration> (the stretch where the arrival rate rises most), such as slice:2h or slice:auto+1h';
    const spec = f.searchFrom.slice(6);
    const plus = spec.indexOf('+');
    const d = parseDuration(plus < 0 ? spec : spec.slice(plus + 1));
    const head = plus < 0 ? '0' : spec.slice(0, plus).trim();
    const auto = head.toLowerCase() === 'auto';
    const start = auto ? 0 : parseDuration(head);
    const base = loadScenario(variants[0].file, sets);
    const full = base.duration;
    if (typeof d === 'string' || typeof start === 'string' || !(d > 0) || !(start >= 0) || !(start + d <= full) || !(d < full)) throw new UserError(`--search-from ${f.searchFrom}: ${hint}, shorter than the scenario's ${full} s (its start included); ${typeof d === 'string' ? d : typeof start === 'string' ? start : `got ${start} s + ${d} s`}`);
    if ((auto || start > 0) && !sliceable(base)) throw new UserError(`--search-from ${f.searchFrom}: a stretch later than the start needs tidal or Poisson arrivals (a trace cannot be moved); use slice:<duration>`);
    const startS = auto ? steepestRiseStart(base, d) : start;
    searchSlice = { startS, durationS: d, auto, sets: [...sets, ...sliceSets(base, startS, d)] };
  }
  return { variants, policies, searchSteps, searchTolerance, searchMethod, searchScreen: searchScreen === 'pool' ? 'pool' : searchScreen === 'on', searchStop: searchStop === 'on', searchPrune: searchPrune === 'on', searchFrom: f.searchFrom, searchSlice, sets, workers: workersFlag(f), limits: limitsFlags(f), outDir: f.out, csv: f.csv, format, quiet: !!f.quiet };
}

/** Runs the variants on the same random streams and compares them with the first. */
export async function compareAction(ctx: CompareContext, progress?: (label: string, done: number, total: number) => void) {
  if (ctx.policies) {
    const { comparePoliciesAction, searchSeedInfo } = await import('./comparePolicies.js');
    const opts = { workers: ctx.workers, limits: ctx.limits, format: ctx.format, steps: ctx.searchSteps, tolerance: ctx.searchTolerance, method: ctx.searchMethod, screen: ctx.searchScreen, stop: ctx.searchStop, prune: ctx.searchPrune };
    let info: SeedInfo | undefined;
    let proxy: { slice: string; replicationsRun: number } | undefined;
    if (ctx.searchSlice !== undefined) {
      // the same comparison on the scenario's first stretch, its JSON the seeds (they guide; every verdict that decides is the scenario's own)
      const r = await comparePoliciesAction(ctx.variants[0].file, ctx.policies, ctx.searchSlice.sets, { ...opts, format: 'json' }, progress && ((label, done, total) => progress(`slice: ${label}`, done, total)));
      info = searchSeedInfo(ctx.searchFrom!, r.stdout);
      proxy = { slice: `${ctx.searchFrom!.slice(6)}${ctx.searchSlice.auto ? ` (from ${formatDuration(ctx.searchSlice.startS)}, where the arrival rate rises most)` : ''}`, replicationsRun: (JSON.parse(r.stdout) as { search: { replicationsRun: number } }).search.replicationsRun };
    } else if (ctx.searchFrom) info = await seedsFrom(ctx.searchFrom);
    return comparePoliciesAction(ctx.variants[0].file, ctx.policies, ctx.sets, { ...opts, outDir: ctx.outDir, seeds: info?.seeds, seedPoolCosts: info?.poolCosts, seedLeans: info?.leans, seedPoints: info?.points, proxy }, progress);
  }
  const runs: (Simulated & { name: string })[] = [];
  for (const v of ctx.variants) {
    const sim = await simulateFile(v.file, v.sets, { workers: ctx.workers, limits: ctx.limits, onProgress: (d, n) => progress?.(`compare ${v.name}`, d, n) });
    runs.push({ ...sim, name: v.name });
  }
  const notes = runs.flatMap((r) => r.notes);
  const reps = new Set(runs.map((r) => r.results.length));
  if (reps.size > 1) notes.push(`variants ran different numbers of replications; differences pair the first ${Math.min(...reps)}`);
  const seeds = new Set(runs.map((r) => r.scenario.seed));
  if (seeds.size > 1) notes.push('variants have different seeds, so they do not share random streams: differences are wider than they need be (use --seed)');
  const base = runs[0];
  const differences: Record<string, Record<string, Difference>> = {};
  for (const r of runs.slice(1)) {
    differences[r.name] = Object.fromEntries(SUMMARY_ROWS.map(([, path]) => [path, pairedDifference(base.results, r.results, path)]));
  }
  if (ctx.csv) {
    // every metric of the summary, not only the table's rows
    const all = Object.fromEntries(runs.slice(1).map((r) => [r.name, Object.fromEntries(Object.keys(base.summary.ci95).map((p) => [p, pairedDifference(base.results, r.results, p)]))]));
    const { compareCsv } = await import('../report/compareCsv.js'); // arquero: only when a CSV is asked for
    writeOutputs(dirname(ctx.csv), { [basename(ctx.csv)]: compareCsv(runs.map((r) => ({ name: r.name, summary: r.summary })), all) });
    notes.push(`wrote ${ctx.csv}`);
  }
  if (ctx.outDir) {
    const { buildReport } = await import('../report/build.js'); // vega: only with --out
    const report = await buildReport(runs.map((r) => ({ variant: r.name, scenario: r.scenario, results: r.results, summary: r.summary })));
    writeOutputs(ctx.outDir, {
      'compare.json': JSON.stringify(compareJson(runs, differences), null, 2) + '\n',
      'report.html': report.html,
      ...Object.fromEntries(Object.entries(report.svgs).map(([id, svg]) => [`${id}.svg`, svg])),
    });
    notes.push(`wrote ${ctx.outDir}/report.html, compare.json and ${Object.keys(report.svgs).length} SVG charts`);
  }
  const stdout = ctx.format === 'json' ? JSON.stringify(compareJson(runs, differences), null, 2) + '\n' : compareTable(runs, differences);
  return { stdout, notes, differences, runs };
}

function compareJson(runs: (Simulated & { name: string })[], differences: Record<string, Record<string, Difference>>) {
  return {
    baseline: runs[0].name,
    variants: runs.map((r) => ({ name: r.name, file: r.file, summary: r.summary, scenarioAsRun: scenarioAsRun(r.scenario) })),
    differences,
  };
}

/** Side-by-side table: each variant's value, and for later variants the paired Δ vs the first with its interval (pure). */
export function compareTable(runs: (Simulated & { name: string })[], differences: Record<string, Record<string, Difference>>): string {
  const header = ['metric', ...runs.map((r, i) => (i === 0 ? r.name : `${r.name}  (Δ vs ${runs[0].name}, 95% CI)`))];
  const rows = rowsFor(runs.map((r) => r.summary)).map(([label, path, unit]) => [
    label,
    ...runs.map((r, i) => {
      const v = formatValue(get(r.summary, path), unit);
      if (i === 0) return v;
      const d = differences[r.name][path];
      if (!Number.isFinite(d.delta)) return v;
      const sign = (x: number) => (x > 0 ? '+' : x < 0 ? '−' : '±');
      // rounded to the difference's interval; a difference of rates is in percentage points
      const hw = d.ci ? (d.ci[1] - d.ci[0]) / 2 : undefined;
      const abs = (x: number) => (unit === 'rate' ? `${formatValue(Math.abs(x), 'rate', hw).replace('%', '')} pp` : formatValue(Math.abs(x), unit, hw));
      const ci = d.ci ? ` [${sign(d.ci[0])}${abs(d.ci[0])}, ${sign(d.ci[1])}${abs(d.ci[1])}]` : '';
      return `${v}  (${sign(d.delta)}${abs(d.delta)}${ci})`;
    }),
  ]);
  const lines = textTable(header, rows, 'l'.repeat(header.length));
  lines.push('', `paired over ${Math.min(...runs.map((r) => r.results.length))} replications on common random numbers (seed ${runs[0].scenario.seed})`);
  return lines.join('\n') + '\n';
}

/** Reads `--search-from`'s file into seeds (one-line errors naming it). */
async function seedsFrom(file: string): Promise<SeedInfo> {
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--search-from ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'}); expected the JSON of an earlier compare --policies`);
  }
  return (await import('./comparePolicies.js')).searchSeedInfo(file, text);
}
