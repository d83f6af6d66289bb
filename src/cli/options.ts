import { UserError } from '../errors.js';

/** Flags shared by the commands that run scenarios. */
export interface SimFlags {
  seed?: string;
  replications?: string;
  set?: string[];
  workers?: string;
  quiet?: boolean;
  maxEvents?: string;
  maxMemory?: string;
}

/** An integer flag ≥ min, or a one-line error. */
export function intFlag(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new UserError(`${flag}: expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

/** The scenario overrides the shared flags stand for (`--seed`, `--replications`, `--set`). */
export function simSets(f: SimFlags): string[] {
  const sets = [...(f.set ?? [])];
  if (f.seed !== undefined) sets.push(`seed=${intFlag('--seed', f.seed, 0)}`);
  if (f.replications !== undefined) sets.push(`replications=${intFlag('--replications', f.replications, 1)}`);
  return sets;
}

/** `--workers`, validated. */
export function workersFlag(f: SimFlags): number | undefined {
  return f.workers !== undefined ? intFlag('--workers', f.workers, 0) : undefined;
}

/** A tolerance such as `5%` or `0.05`, as a fraction. */
export function toleranceFlag(v: string, flag = '--tolerance'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
  if (!m) throw new UserError(`${flag}: expected a percentage such as 5% (or a fraction such as 0.05), got "${v}"`);
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

/**
 * Runs `load`, rewriting an error about a `--set` that a `--vary` value made so it names the
 * `--vary` flag and which value: `--vary k=a,b (value 2, "b"): k: expected …`.
 */
export function blameVary<T>(load: () => T, made: { set: string; flag: string; nth: number }[]): T {
  try {
    return load();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const m = made.find((x) => e.message.startsWith(`--set ${x.set}: `));
    if (!m) throw e;
    throw new UserError(`${m.flag} (value ${m.nth >= 1 ? `${m.nth}, ` : ''}${JSON.stringify(m.set.slice(m.set.indexOf('=') + 1))}): ${e.message.slice(`--set ${m.set}: `.length)}`);
  }
}

/** `--max-events` and `--max-memory` (e.g. `5e9`, `16GB`), validated; unset ones keep their defaults. */
export function limitsFlags(f: SimFlags): { maxEvents?: number; maxMemoryBytes?: number } {
  const out: { maxEvents?: number; maxMemoryBytes?: number } = {};
  if (f.maxEvents !== undefined) {
    const n = Number(f.maxEvents.replace(/_/g, ''));
    if (!(n >= 1) || !Number.isFinite(n)) throw new UserError(`--max-events: expected a positive number of events such as 5e9, got "${f.maxEvents}"`);
    out.maxEvents = n;
  }
  if (f.maxMemory !== undefined) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)b?|b)?\s*$/i.exec(f.maxMemory);
    if (!m) throw new UserError(`--max-memory: expected a size such as 16GB or 512MB, got "${f.maxMemory}"`);
    const power = m[2] ? 'kmgt'.indexOf(m[2].toLowerCase()) + 1 : /b\s*$/i.test(f.maxMemory) ? 0 : 3; // a bare number is GB
    out.maxMemoryBytes = Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
  }
  return out;
}
