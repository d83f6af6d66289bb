import { from, op } from 'arquero';
import type { Difference } from '../compare/paired.js';
import { get, type Summary } from '../sim/summary.js';

/** A number for the CSV: blank (undefined) when it is missing or not finite. */
const num = (x: number | undefined): number | undefined => (x !== undefined && Number.isFinite(x) ? x : undefined);

/**
 * `compare --csv`: one row per variant and metric (every key of its `ci95`, in summary order),
 * with the variant's value and 95% interval, left-joined on (variant, metric) to its paired
 * difference from the first variant (blank for the first) (pure). Times in seconds, rates as
 * fractions. Kept out of `summaryCsv.ts`, which `run` loads: `run` loads no arquero.
 */
export function compareCsv(variants: readonly { name: string; summary: Summary }[], differences: Record<string, Record<string, Difference>>): string {
  const values = from(
    variants.flatMap((v) => Object.entries(v.summary.ci95).map(([metric, ci]) => ({ variant: v.name, metric, value: num(get(v.summary, metric)), ci95_low: num(ci?.[0]), ci95_high: num(ci?.[1]) }))),
  );
  const deltas = from(
    Object.entries(differences).flatMap(([variant, byMetric]) =>
      Object.entries(byMetric).map(([metric, d]) => ({ variant, metric, delta: num(d?.delta), delta_ci95_low: num(d?.ci?.[0]), delta_ci95_high: num(d?.ci?.[1]), relative: num(d?.relative) })),
    ),
    ['variant', 'metric', 'delta', 'delta_ci95_low', 'delta_ci95_high', 'relative'],
  );
  return values
    .derive({ row: () => op.row_number() })
    .join_left(deltas, [['variant', 'metric'], ['variant', 'metric']])
    .orderby('row') // a left join puts the unmatched rows (the first variant's) last
    .select('variant', 'metric', 'value', 'ci95_low', 'ci95_high', 'delta', 'delta_ci95_low', 'delta_ci95_high', 'relative')
    .toCSV();
}
