import { op, table } from 'arquero';
import type { SweepRow } from '../sweep/results.js';

/** Budget verdicts in colour-blind-safe colours (Okabe–Ito blue and orange) and shapes, so pass and fail differ without colour. */
const VERDICTS = { domain: ['pass', 'fail', 'inconclusive', 'none'], range: ['#0072B2', '#E69F00', '#999999', '#CC79A7'], shapes: ['circle', 'triangle-up', 'diamond', 'square'] };

/**
 * The sweep's Pareto chart (pure): cost against p99 start latency, one half-transparent mark per
 * distinct result — configurations with the same cost, p99 and verdict (a pool too big to
 * matter, say) are one mark whose size and tooltip count them (an arquero groupby/rollup, groups
 * in order of first appearance), so equal points no longer hide each other.
 */
export function paretoSpec(name: string, rows: readonly SweepRow[], keys: readonly string[], front: ReadonlySet<number>): Record<string, unknown> {
  const finite = rows.filter((r) => Number.isFinite(r.metrics['cost.total']) && Number.isFinite(r.metrics['startLatency.p99']));
  const values = table({
    cost: finite.map((r) => r.metrics['cost.total']),
    p99: finite.map((r) => r.metrics['startLatency.p99']),
    budgets: finite.map((r) => r.budgets),
    onFront: finite.map((r) => front.has(r.index)),
    point: finite.map((r) => keys.map((k) => `${k.split('.').pop()}=${r.values[k]}`).join(' ')),
  })
    .groupby('cost', 'p99', 'budgets') // groups in order of first appearance
    .rollup({ onFront: (d) => op.max(d.onFront), n: () => op.count(), points: (d) => op.array_agg(d.point) })
    .derive({
      front: (d) => (d.onFront ? 'Pareto front' : 'other'),
      point: (d) => (d.n > 3 ? op.join(op.slice(d.points, 0, 3) as string[], '; ') + '; … (' + d.n + ')' : op.join(d.points, '; ')),
    })
    .select('cost', 'p99', 'budgets', 'front', 'n', 'point')
    .objects() as { cost: number; p99: number; budgets: string; front: string; n: number; point: string }[];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Sweep of ${name}: cost against p99 start latency`, subtitle: 'each mark a configuration (bigger: several with the same result); the line joins those no other beats on both', anchor: 'start' },
    width: 640,
    height: 360,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.front === 'Pareto front'" }], mark: { type: 'line', interpolate: 'step-after', color: '#444' }, encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'p99', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, opacity: 0.6, stroke: '#333', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'cost', type: 'quantitative', title: 'total cost ($)', scale: { zero: false }, axis: { format: '$,~r' } },
          y: { field: 'p99', type: 'quantitative', title: 'p99 start latency (s)', axis: { format: ',~r' } },
          color: { field: 'budgets', type: 'nominal', title: 'budgets', scale: { domain: VERDICTS.domain, range: VERDICTS.range } },
          shape: { field: 'budgets', type: 'nominal', scale: { domain: VERDICTS.domain, range: VERDICTS.shapes } },
          size: { field: 'n', type: 'quantitative', title: 'configurations', scale: { range: [60, 400] }, legend: values.some((v) => v.n > 1) ? {} : null },
          tooltip: [{ field: 'point', title: 'configuration' }, { field: 'n', title: 'how many' }, { field: 'cost', format: '$,.2f' }, { field: 'p99', format: '.3f' }, { field: 'budgets' }],
        },
      },
    ],
  };
}
