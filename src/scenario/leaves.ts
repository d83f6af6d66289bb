import { z } from 'zod';
import { Z99, specMean, type DistributionSpec } from '../random/distributions.js';
import { show, suggest } from '../config/messages.js';
import { DURATION_HINT, parseDuration, parseRate } from './units.js';
import { countJson, distributionJson, durationJson, numJson, rateJson } from './leafJson.js';

/**
 * Leaf validators for scenario values. Each one turns the user's value into its normalised form
 * (seconds, per-second rates, distribution specs) or adds one issue whose message says what was
 * expected and what was given; the loader adds the file, line and key path.
 */

type Ctx = z.core.$RefinementCtx;

/**
 * Upper bounds on the sizes a scenario may give (issue #19: every size has one, so no value can
 * make a run hang before the work estimate sees it). Far above any fleet modelled so far (the
 * Kimi-scale day: ~600 arrivals/s, ~60k sandboxes at once, 1 day), far below what would hang.
 */
export const LIMITS = {
  /** Longest duration: ten years (3650d), in seconds. */
  durationS: 3650 * 86400,
  /** Largest count of slots, sandboxes, nodes, turns or thresholds: ten million. */
  count: 10_000_000,
  /** Fastest rate: ten million per second (arrivals, scheduler throughput, API calls). */
  ratePerS: 10_000_000,
  /** Most replications of one scenario. */
  replications: 10_000,
  /** Highest price per unit (slot-hour, slot-second, node-hour, GiB-hour, CPU-hour): a million. */
  price: 1_000_000,
  /** Largest per-sandbox size: memory in GiB (64 TiB, past any machine) or cores. */
  sizeGiB: 65_536,
  cores: 10_000,
} as const;

function fail(ctx: Ctx, message: string, path: PropertyKey[] = []): never {
  ctx.addIssue({ code: 'custom', message, path: path as (string | number)[] });
  return z.NEVER as never;
}

/** A duration ≥ 0 (or > 0 when `positive`) and at most ten years, in seconds; `unlimited` words map to Infinity when allowed. */
export function duration(opts: { positive?: boolean; infinite?: string[] } = {}) {
  return z.unknown().transform((v, ctx): number => {
    if (opts.infinite && typeof v === 'string' && opts.infinite.includes(v.trim().toLowerCase())) return Infinity;
    const d = parseDuration(v);
    const alt = opts.infinite ? ` or "${opts.infinite[0]}"` : '';
    if (typeof d === 'string') return fail(ctx, d + (alt ? ` (or "${opts.infinite![0]}")` : ''));
    if (opts.positive ? !(d > 0) : !(d >= 0)) {
      return fail(ctx, `expected a ${opts.positive ? 'positive' : 'non-negative'} duration${alt}, got ${show(v)}`);
    }
    if (d > LIMITS.durationS) return fail(ctx, `expected a duration of at most 3650d (ten years)${alt}, got ${show(v)}`);
    return d;
  }).meta(durationJson(opts));
}

/** A positive rate in events per second, at most ten million per second; `unlimited` maps to Infinity when allowed. */
export function rate(opts: { unlimited?: boolean; zero?: boolean } = {}) {
  return z.unknown().transform((v, ctx): number => {
    if (opts.unlimited && typeof v === 'string' && v.trim().toLowerCase() === 'unlimited') return Infinity;
    const r = parseRate(v);
    if (typeof r === 'string') return fail(ctx, r + (opts.unlimited ? ' (or "unlimited")' : ''));
    if (opts.zero ? !(r >= 0) : !(r > 0)) {
      return fail(ctx, `expected a ${opts.zero ? 'non-negative' : 'positive'} rate${opts.unlimited ? ' or "unlimited"' : ''}, got ${show(v)}`);
    }
    if (r > LIMITS.ratePerS) return fail(ctx, `expected a rate of at most 10000000/s${opts.unlimited ? ' (or "unlimited")' : ''}, got ${show(v)}`);
    return r;
  }).meta(rateJson(opts));
}

/** An integer count in [`min`, `max`] (default max ten million); "unlimited" maps to Infinity when allowed. */
export function count(opts: { min?: number; max?: number; unlimited?: boolean } = {}) {
  const min = opts.min ?? 0;
  const max = opts.max ?? LIMITS.count;
  const what = `${min > 0 ? 'a positive integer' : 'a non-negative integer'}${opts.unlimited ? ' or "unlimited"' : ''}`;
  return z.unknown().transform((v, ctx): number => {
    if (opts.unlimited && typeof v === 'string' && v.trim().toLowerCase() === 'unlimited') return Infinity;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return fail(ctx, `expected ${what}, got ${show(v)}`);
    if (v > max) return fail(ctx, `expected at most ${max.toLocaleString('en-US')}${opts.unlimited ? ' (or "unlimited")' : ''}, got ${show(v)}`);
    return v;
  }).meta(countJson(opts));
}

/** A finite number within [min, max]. */
export function num(opts: { min?: number; max?: number; what?: string } = {}) {
  const min = opts.min ?? -Infinity;
  const max = opts.max ?? Infinity;
  const what = opts.what ?? (min === 0 && max === Infinity ? 'a non-negative number' : `a number in [${min}, ${max}]`);
  return z.unknown().transform((v, ctx): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return fail(ctx, `expected ${what}, got ${show(v)}`);
    return v;
  }).meta(numJson(opts));
}

/** A money amount (non-negative number, at most a million per unit: past it a run's costs overflow to infinity). */
export const money = () => num({ min: 0, max: LIMITS.price, what: 'a non-negative price of at most 1000000 per unit' });

const DIST_KINDS = ['fixed', 'exponential', 'lognormal', 'gamma', 'erlang', 'uniform', 'empirical'];
const DIST_HINT = `a duration or one of { ${DIST_KINDS.join(' | ')}: … }`;

function durationIn(ctx: Ctx, v: unknown, path: PropertyKey[], positive = false, of: 'duration' | 'number' = 'duration'): number {
  const d = parseDuration(v);
  if (typeof d === 'string') return fail(ctx, d, path);
  if (positive ? !(d > 0) : !(d >= 0)) return fail(ctx, `expected a ${positive ? 'positive' : 'non-negative'} ${of}, got ${show(v)}`, path);
  if (of === 'number' ? d > LIMITS.count : d > LIMITS.durationS) return fail(ctx, `expected a ${of} of at most ${of === 'number' ? '10,000,000' : '3650d (ten years)'}, got ${show(v)}`, path);
  return d;
}

/**
 * Refuses a distribution whose mean or p99 passes the largest value a scenario may hold (ten
 * years for durations, ten million for counts): each parameter may be in range while the mean
 * overflows (a log-normal's `sigma` of 400 has a mean of e^80000), and such a run's work is
 * unbounded. Returns the spec, or fails at `path` (the distribution's kind).
 */
function bounded(ctx: Ctx, spec: DistributionSpec, path: PropertyKey[], of: 'duration' | 'number'): DistributionSpec {
  const cap = of === 'number' ? LIMITS.count : LIMITS.durationS;
  const p99 = spec.kind === 'lognormal' ? Math.exp(spec.mu + Z99 * spec.sigma) : spec.kind === 'gamma' ? spec.shape * spec.scale + 3 * Math.sqrt(spec.shape) * spec.scale : 0;
  const mean = specMean(spec);
  const limit = of === 'number' ? '10,000,000' : '3650d (ten years)';
  const unit = of === 'number' ? '' : ' s';
  if (spec.kind === 'fixed' && !(mean <= cap)) return fail(ctx, `expected a ${of} of at most ${limit}, got ${big(mean)}${unit}`, path);
  if (!(mean <= cap)) return fail(ctx, `expected a distribution whose mean is at most ${limit}, got ${Number.isFinite(mean) ? `a mean of ${big(mean)}${unit}` : 'an infinite mean'}`, path);
  if (!(p99 <= cap)) return fail(ctx, `expected a distribution whose p99 is at most ${limit}, got ${Number.isFinite(p99) ? `a p99 of ${big(p99)}${unit}` : 'an infinite p99'}`, path);
  return spec;
}

/** A figure as the refusals show it: `1.00e+12`-style when large, else as is. */
function big(x: number): string {
  return x >= 1e7 ? x.toExponential(2) : String(+x.toPrecision(6));
}

function fields(ctx: Ctx, kind: string, body: unknown, allowed: string[][]): Record<string, unknown> | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    fail(ctx, `expected a mapping with ${allowed.map((a) => a.join(' and ')).join(', or ')}, got ${show(body)}`, [kind]);
    return null;
  }
  const keys = Object.keys(body);
  const match = allowed.find((set) => set.length === keys.length && set.every((k) => keys.includes(k)));
  if (!match) {
    fail(ctx, `expected ${allowed.map((a) => a.join(' and ')).join(', or ')}; got ${keys.length ? keys.join(', ') : 'no keys'}`, [kind]);
    return null;
  }
  return body as Record<string, unknown>;
}

/**
 * A distribution of durations: a plain duration (fixed), or `{ exponential: { mean } }`,
 * `{ lognormal: { median, p99 } | { mu, sigma } }`, `{ gamma: { shape, scale } | { shape, mean } }`,
 * `{ erlang: { k, mean } }`, `{ uniform: { min, max } }`, `{ empirical: { values: [...] } }`.
 */
export function distribution(opts: { positive?: boolean; of?: 'duration' | 'number' } = {}) {
  return z.unknown().transform((v, ctx): DistributionSpec => {
    if (typeof v === 'number' || typeof v === 'string') {
      const d = parseDuration(v);
      if (typeof d === 'string') return fail(ctx, `expected ${DIST_HINT}, got ${show(v)}`);
      if (opts.positive ? !(d > 0) : !(d >= 0)) return fail(ctx, `expected a ${opts.positive ? 'positive' : 'non-negative'} ${opts.of ?? 'duration'}, got ${show(v)}`);
      return bounded(ctx, { kind: 'fixed', value: d }, [], opts.of ?? 'duration');
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(ctx, `expected ${DIST_HINT}, got ${show(v)}`);
    const keys = Object.keys(v);
    if (keys.length !== 1 || !DIST_KINDS.includes(keys[0])) {
      const k = keys.find((x) => !DIST_KINDS.includes(x)) ?? keys[1];
      const hint = k ? suggest(k, DIST_KINDS) : undefined;
      return fail(ctx, `expected exactly one of ${DIST_KINDS.join(', ')}; got ${keys.length ? keys.map((x) => `"${x}"`).join(', ') : 'an empty mapping'}${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
    const kind = keys[0];
    const body = (v as Record<string, unknown>)[kind];
    switch (kind) {
      case 'fixed': {
        const value = durationIn(ctx, body, [kind], opts.positive, opts.of);
        return { kind: 'fixed', value };
      }
      case 'exponential': {
        const f = fields(ctx, kind, body, [['mean']]);
        if (!f) return z.NEVER;
        return { kind: 'exponential', mean: durationIn(ctx, f.mean, [kind, 'mean'], true, opts.of) };
      }
      case 'lognormal': {
        const f = fields(ctx, kind, body, [['median', 'p99'], ['mu', 'sigma']]);
        if (!f) return z.NEVER;
        if ('median' in f) {
          const median = durationIn(ctx, f.median, [kind, 'median'], true, opts.of);
          const p99 = durationIn(ctx, f.p99, [kind, 'p99'], true, opts.of);
          if (!(p99 >= median)) return fail(ctx, `expected p99 ≥ median, got median ${show(f.median)} and p99 ${show(f.p99)}`, [kind, 'p99']);
          return bounded(ctx, { kind: 'lognormal', mu: Math.log(median), sigma: Math.log(p99 / median) / Z99 }, [kind], opts.of ?? 'duration');
        }
        if (typeof f.mu !== 'number' || !Number.isFinite(f.mu)) return fail(ctx, `expected a number (log-seconds), got ${show(f.mu)}`, [kind, 'mu']);
        if (typeof f.sigma !== 'number' || !(f.sigma >= 0)) return fail(ctx, `expected a non-negative number, got ${show(f.sigma)}`, [kind, 'sigma']);
        return bounded(ctx, { kind: 'lognormal', mu: f.mu, sigma: f.sigma }, [kind], opts.of ?? 'duration');
      }
      case 'gamma':
      case 'erlang': {
        const shapeKey = kind === 'erlang' ? 'k' : 'shape';
        const f = fields(ctx, kind, body, kind === 'erlang' ? [['k', 'mean']] : [['shape', 'scale'], ['shape', 'mean']]);
        if (!f) return z.NEVER;
        const shape = f[shapeKey];
        const okShape = typeof shape === 'number' && shape > 0 && Number.isFinite(shape) && (kind === 'gamma' || Number.isInteger(shape));
        if (!okShape) return fail(ctx, `expected a positive ${kind === 'erlang' ? 'integer' : 'number'}, got ${show(shape)}`, [kind, shapeKey]);
        const k = shape as number;
        if ('scale' in f) return bounded(ctx, { kind: 'gamma', shape: k, scale: durationIn(ctx, f.scale, [kind, 'scale'], true, opts.of) }, [kind], opts.of ?? 'duration');
        return bounded(ctx, { kind: 'gamma', shape: k, scale: durationIn(ctx, f.mean, [kind, 'mean'], true, opts.of) / k }, [kind], opts.of ?? 'duration');
      }
      case 'uniform': {
        const f = fields(ctx, kind, body, [['min', 'max']]);
        if (!f) return z.NEVER;
        const min = durationIn(ctx, f.min, [kind, 'min'], false, opts.of);
        const max = durationIn(ctx, f.max, [kind, 'max'], false, opts.of);
        if (!(max >= min)) return fail(ctx, `expected max ≥ min, got min ${show(f.min)} and max ${show(f.max)}`, [kind, 'max']);
        return { kind: 'uniform', min, max };
      }
      default: {
        const f = fields(ctx, kind, body, [['values']]);
        if (!f) return z.NEVER;
        if (!Array.isArray(f.values) || f.values.length === 0) return fail(ctx, `expected a non-empty list of durations, got ${show(f.values)}`, [kind, 'values']);
        const values = f.values.map((x, i) => durationIn(ctx, x, [kind, 'values', i], false, opts.of));
        return { kind: 'empirical', values };
      }
    }
  }).meta(distributionJson(opts));
}

export { DURATION_HINT };
