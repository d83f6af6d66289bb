import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scenarioAsRun } from '../scenario/asRun.js';
import type { Scenario } from '../scenario/schema.js';
import { resolveTracePath } from '../scenario/tracePath.js';

/** The settings record beside a sweep CSV: `sweep.csv` → `sweep.meta.json`. */
export const metaFileOf = (csv: string): string => csv.replace(/\.csv$/, '.meta.json');

/**
 * What shaped a sweep's rows, recorded beside its CSV (`sweep.meta.json`) so a resume or a merge
 * never mixes rows made under different settings: the scenario as run (its content after
 * `--set`, seed and replications included — an edit that changes nothing, such as a comment,
 * keeps it), the `--set`s as given, the varied keys, the traces' contents and the tidecast
 * version. `fingerprint` is a hash of the rest.
 */
export interface SweepSettings {
  fingerprint: string;
  tidecast: string;
  scenario: string;
  scenarioSha256: string;
  seed: number;
  replications: number;
  sets: string[];
  vary: string[];
  traces: Record<string, string>;
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** The version in package.json (read once; "unknown" when the file is not where it ships). */
export const TIDECAST_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** The settings of a sweep of `file` (loaded as `base` with `sets`) over `vary` keys. */
export function sweepSettings(file: string, base: Scenario, sets: readonly string[], vary: readonly string[], version = TIDECAST_VERSION): SweepSettings {
  const traces: Record<string, string> = {};
  const paths = [base.workload.arrivals.trace?.path, ...Object.values(base.templates ?? {}).map((t) => t.arrivals?.trace?.path)];
  for (const p of paths) {
    if (!p || p in traces) continue;
    try {
      traces[p] = sha256(readFileSync(resolveTracePath(p, file)));
    } catch {
      traces[p] = 'unreadable';
    }
  }
  const rest = {
    tidecast: version,
    scenario: file,
    scenarioSha256: sha256(JSON.stringify(scenarioAsRun(base))),
    seed: base.seed,
    replications: base.replications,
    sets: [...sets],
    vary: [...vary],
    traces,
  };
  // the file's path is where it was read from, not what shaped the rows: left out of the hash
  const { scenario: _path, ...shaping } = rest;
  return { fingerprint: sha256(JSON.stringify(shaping)).slice(0, 16), ...rest };
}

/** What differs between two settings, in words (empty when the fingerprints agree). */
export function settingsDiff(was: SweepSettings, now: SweepSettings): string[] {
  if (was.fingerprint === now.fingerprint) return [];
  const out: string[] = [];
  const show = (x: unknown) => (Array.isArray(x) ? (x.length ? x.join(' ') : 'none') : typeof x === 'object' ? Object.keys(x as object).join(', ') || 'none' : String(x));
  const fields: [keyof SweepSettings, string][] = [
    ['seed', 'seed'],
    ['replications', 'replications'],
    ['sets', '--set'],
    ['vary', '--vary keys'],
    ['tidecast', 'tidecast version'],
  ];
  for (const [k, what] of fields) if (JSON.stringify(was[k]) !== JSON.stringify(now[k])) out.push(`${what} ${show(was[k])} → ${show(now[k])}`);
  if (was.scenarioSha256 !== now.scenarioSha256 && !out.some((o) => /^(seed|replications|--set)/.test(o))) out.push('the scenario was edited');
  if (JSON.stringify(was.traces) !== JSON.stringify(now.traces)) out.push('a trace changed');
  return out.length ? out : ['the settings changed'];
}
