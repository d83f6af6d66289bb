import type { SweepRow } from '../sweep/results.js';

/** Budget verdicts in colour-blind-safe colours (Okabe–Ito blue and orange) and shapes, so pass and fail differ without colour. */
const VERDICTS = { domain: ['pass', 'fail', 'inconclusive', 'none'], range: ['#0072B2', '#E69F00', '#999999', '#CC79A7'], shapes: ['circle', 'triangle-up', 'diamond', 'square'] };

/**
 * The sweep's Pareto chart (pure): cost against p99 start latency, one mark per distinct result
 * — configurations with the same cost and p99 (a pool too big to matter, say) are one mark whose
 * size and tooltip count them, so equal points no longer hide each other — half-transparent.
 */
export function paretoSpec(name: string, rows: readonly SweepRow[], keys: readonly string[], front: ReadonlySet<number>): Record<string, unknown> {
  const groups = new Map<string, { cost: number; p99: number; budgets: string; front: boolean; points: string[] }>();
  for (const r of rows) {
    const cost = r.metrics['cost.total'];
    const p99 = r.metrics['startLatency.p99'];
    if (!Number.isFinite(cost) || !Number.isFinite(p99)) continue;
    const id = `${cost}|${p99}|${r.budgets}`;
    const g = groups.get(id) ?? { cost, p99, budgets: r.budgets, front: false, points: [] };
    g.front ||= front.has(r.index);
    g.points.push(keys.map((k) => `${k.split('.').pop()}=${r.values[k]}`).join(' '));
    groups.set(id, g);
  }
  const values = [...groups.values()].map((g) => ({ cost: g.cost, p99: g.p99, budgets: g.budgets, front: g.front ? 'Pareto front' : 'other', n: g.points.length, point: g.points.length > 3 ? `${g.points.slice(0, 3).join('; ')}; … (${g.points.length})` : g.points.join('; ') }));
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
