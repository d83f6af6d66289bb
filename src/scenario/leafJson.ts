/**
 * JSON Schema fragments for the scenario's leaf values (durations, rates, counts, distributions),
 * attached to the zod leaves as metadata so `z.toJSONSchema` can describe what each accepts —
 * the leaves themselves are transforms, which JSON Schema cannot see into. These mirror the
 * parsers in units.ts and leaves.ts; the scenario tests validate every shipped scenario against
 * the generated schema, so a drift between the two shows up there.
 */

/** A JSON Schema fragment (draft 2020-12). */
export type JsonFragment = Record<string, unknown>;

/** `ms` → `[mM][sS]`: JSON Schema patterns take no flags, and the parsers ignore case. */
const ci = (s: string): string => s.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);

const NUMBER = String.raw`\d+(\.\d+)?([eE][+-]?\d+)?`;
const DURATION_UNIT = `(${['ms', 'sec', 's', 'min', 'm', 'hr', 'h', 'day', 'd', 'w'].map(ci).join('|')})`;
const RATE_UNIT = `(${['ms', 's', 'sec', 'second', 'm', 'min', 'minute', 'h', 'hr', 'hour', 'd', 'day'].map(ci).join('|')})`;

/** A non-negative duration as text: `30`, `50ms`, `2s`, `10m`, `1h30m`. */
export const DURATION_PATTERN = String.raw`^\s*(${NUMBER}|(${NUMBER}\s*${DURATION_UNIT}\s*)+)\s*$`;
/** A non-negative rate as text: `9`, `9/s`, `500/min`, `2 per hour`. */
export const RATE_PATTERN = String.raw`^\s*${NUMBER}\s*(/\s*${RATE_UNIT}|${ci('per')}\s+${RATE_UNIT})?\s*$`;

const UNLIMITED = { type: 'string', pattern: `^\\s*${ci('unlimited')}\\s*$` };

/** A duration in seconds (a number) or as text with units. */
export function durationJson(opts: { positive?: boolean; infinite?: string[] } = {}): JsonFragment {
  const number = opts.positive ? { type: 'number', exclusiveMinimum: 0 } : { type: 'number', minimum: 0 };
  const words = opts.infinite ? [{ type: 'string', enum: opts.infinite }] : [];
  return {
    anyOf: [number, { type: 'string', pattern: DURATION_PATTERN }, ...words],
    description: `a duration: seconds (30) or text with units ("50ms", "2s", "10m", "4h", "1d", "1h30m")${opts.infinite ? ` or "${opts.infinite[0]}"` : ''}`,
  };
}

/** A rate per second (a number) or as text `N/unit`. */
export function rateJson(opts: { unlimited?: boolean; zero?: boolean } = {}): JsonFragment {
  const number = opts.zero ? { type: 'number', minimum: 0 } : { type: 'number', exclusiveMinimum: 0 };
  return {
    anyOf: [number, { type: 'string', pattern: RATE_PATTERN }, ...(opts.unlimited ? [UNLIMITED] : [])],
    description: `a rate: per second (9) or text ("9/s", "500/min", "2/h")${opts.unlimited ? ' or "unlimited"' : ''}`,
  };
}

/** An integer count ≥ min, or "unlimited". */
export function countJson(opts: { min?: number; unlimited?: boolean } = {}): JsonFragment {
  const int = { type: 'integer', minimum: opts.min ?? 0 };
  return opts.unlimited ? { anyOf: [int, UNLIMITED], description: 'a whole number or "unlimited"' } : int;
}

/** A finite number in [min, max]. */
export function numJson(opts: { min?: number; max?: number } = {}): JsonFragment {
  return {
    type: 'number',
    ...(opts.min !== undefined && Number.isFinite(opts.min) ? { minimum: opts.min } : {}),
    ...(opts.max !== undefined && Number.isFinite(opts.max) ? { maximum: opts.max } : {}),
  };
}

const exactly = (properties: Record<string, JsonFragment>): JsonFragment => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

/** A distribution of durations (or of numbers, for `turns.count`). */
export function distributionJson(opts: { positive?: boolean; of?: 'duration' | 'number' } = {}): JsonFragment {
  const d = durationJson({ positive: opts.positive });
  const pos = durationJson({ positive: true });
  const plain = opts.of === 'number' ? { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }] } : d;
  const one = (kind: string, body: JsonFragment, description: string): JsonFragment => ({ ...exactly({ [kind]: body }), description });
  return {
    anyOf: [
      { ...plain, description: 'a fixed value' },
      one('fixed', d, 'a fixed value'),
      one('exponential', exactly({ mean: pos }), 'exponential with this mean (memoryless: most values short, a long tail)'),
      one(
        'lognormal',
        {
          oneOf: [exactly({ median: pos, p99: pos }), exactly({ mu: { type: 'number' }, sigma: { type: 'number', minimum: 0 } })],
        },
        'log-normal: { median, p99 } (the 99th percentile, ≥ median) or { mu, sigma } of the log of seconds',
      ),
      one('gamma', { oneOf: [exactly({ shape: { type: 'number', exclusiveMinimum: 0 }, scale: pos }), exactly({ shape: { type: 'number', exclusiveMinimum: 0 }, mean: pos })] }, 'gamma: { shape, scale } or { shape, mean }'),
      one('erlang', exactly({ k: { type: 'integer', minimum: 1 }, mean: pos }), 'Erlang: the sum of k exponential phases with this total mean'),
      one('uniform', exactly({ min: d, max: d }), 'uniform between min and max'),
      one('empirical', exactly({ values: { type: 'array', minItems: 1, items: d } }), 'drawn from these values with equal weight'),
    ],
    description:
      'a distribution of durations: a plain duration (fixed), or one of { exponential: { mean } }, { lognormal: { median, p99 } | { mu, sigma } }, { gamma: { shape, scale } | { shape, mean } }, { erlang: { k, mean } }, { uniform: { min, max } }, { empirical: { values: [...] } }',
    examples: ['2s', { lognormal: { median: '2m', p99: '15m' } }, { exponential: { mean: '30s' } }],
  };
}
