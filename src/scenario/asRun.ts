import type { DistributionSpec } from '../random/distributions.js';
import type { Scenario } from './schema.js';

/**
 * The scenario as run, with every default filled in, in the file's own notation (seconds,
 * per-second rates, `{ exponential: { mean } }`, "unlimited"), so it can be saved as YAML or
 * JSON and run again to reproduce a report.
 */
export function scenarioAsRun(s: Scenario): unknown {
  const out = walk({ ...s, budgets: {} }, []) as Record<string, unknown>;
  // budgets as the user wrote them ("<= 2s"), so the echo validates again
  out.budgets = Object.fromEntries(Object.entries(s.budgets).map(([k, b]) => [k, b.text]));
  return out;
}

/** A validated value (seconds, Infinity, a distribution spec) as a user would write it in the file. */
export function valueAsWritten(v: unknown): unknown {
  return walk(v, []);
}

function walk(v: unknown, path: string[]): unknown {
  if (typeof v === 'number') {
    if (v === Infinity) return path[path.length - 1] === 'waitTimeout' ? 'never' : 'unlimited';
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
  if (v && typeof v === 'object') {
    if ('kind' in v && typeof (v as { kind: unknown }).kind === 'string') return distribution(v as DistributionSpec);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x, [...path, k]);
    return out;
  }
  return v;
}

function distribution(d: DistributionSpec): unknown {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return { exponential: { mean: d.mean } };
    case 'lognormal':
      return { lognormal: { mu: d.mu, sigma: d.sigma } };
    case 'gamma':
      return { gamma: { shape: d.shape, scale: d.scale } };
    case 'uniform':
      return { uniform: { min: d.min, max: d.max } };
    case 'empirical':
      return { empirical: { values: d.values } };
  }
}
