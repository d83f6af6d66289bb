import { describe, expect, it } from 'vitest';
import { arrivalsChart, FORMAT, latencyCdfChart, logTicks, queueChart } from '../../src/report/charts.js';
import { paretoSpec } from '../../src/report/paretoChart.js';
import type { SeriesRow } from '../../src/report/data.js';
import type { SweepRow } from '../../src/sweep/results.js';

const row = (hours: number, over: Partial<SeriesRow> = {}): SeriesRow => ({ variant: 'v', t: hours * 3600, hours, arrivals: 300, overflowed: 0, queue: 0, concurrency: 800, poolTarget: 20, ...over }) as SeriesRow;
const rows = [row(0), row(1), row(2)];

describe('chart specs planners read', () => {
  it('arrivals, capacity and the pool target are separate panels, each from zero on its own scale', () => {
    const spec = arrivalsChart(rows, 60, 950) as { vconcat: { encoding: { y: { title: string } }; data: { values: { series: string; value: number }[] } }[] };
    expect(spec.vconcat.map((p) => p.encoding.y.title)).toEqual(['arrivals (per s)', 'capacity (sandboxes)', 'pool target (sandboxes)']);
    // the target (20) is not drawn on the axis of 950 reserved slots
    expect(spec.vconcat[2].data.values.every((v) => v.series === 'warm-pool target' && v.value === 20)).toBe(true);
    expect(spec.vconcat[1].data.values.some((v) => v.series === 'warm-pool target')).toBe(false);
  });

  it('an all-zero queue or overflow gets a readable axis (0 … 1, 0% … 1%) and trimmed formats', () => {
    const spec = queueChart(rows) as { vconcat: { encoding: { y: { scale: unknown; axis: { format: string } } } }[] };
    expect(spec.vconcat[0].encoding.y).toMatchObject({ scale: { domain: [0, 1] }, axis: { format: FORMAT.count } });
    expect(spec.vconcat[1].encoding.y).toMatchObject({ scale: { domain: [0, 0.01] }, axis: { format: FORMAT.share } });
    expect(FORMAT.count).toContain('~');
    expect(FORMAT.share).toContain('~');
  });

  it('latency is a survival curve on log axes with p99 and p99.9 marked', () => {
    const points = [0.04, 0.05, 1, 5].map((x, i) => ({ variant: 'v', latencyS: x, fraction: [0, 0.988, 0.99, 1][i], exceed: [1, 0.012, 0.01, 0][i] }));
    const spec = latencyCdfChart(points, [
      { variant: 'v', label: 'p99', latencyS: 1, exceed: 0.01 },
      { variant: 'v', label: 'p99.9', latencyS: 4, exceed: 0.001 },
    ]) as { layer: { data: { values: { exceed?: number; text?: string }[] }; encoding: Record<string, { scale?: { type?: string }; field?: string }> }[] };
    const curve = spec.layer[1];
    expect(curve.encoding.y).toMatchObject({ field: 'exceed', scale: { type: 'log' } });
    expect(curve.encoding.x).toMatchObject({ field: 'latencyS', scale: { type: 'log' } });
    expect(curve.data.values.every((p) => p.exceed! > 0)).toBe(true); // 0 has no place on a log axis
    expect(spec.layer[3].data.values.map((m) => m.text)).toEqual(['p99 1 s', 'p99.9 4 s']);
    expect(logTicks(0.04, 10)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]);
  });

  it("the sweep's Pareto chart: pass blue, fail orange (colour-blind safe), shapes too, equal results one mark with their count", () => {
    const sweep = (index: number, cost: number, p99: number, budgets: string): SweepRow => ({ index, values: { k: String(index) }, metrics: { 'cost.total': cost, 'startLatency.p99': p99 }, budgets });
    const spec = paretoSpec('x', [sweep(0, 10, 2, 'fail'), sweep(1, 20, 1, 'pass'), sweep(2, 20, 1, 'pass'), sweep(3, 20, 1, 'pass')], ['k'], new Set([0, 1])) as {
      data: { values: { n: number; budgets: string }[] };
      layer: { encoding: Record<string, { scale?: { domain: string[]; range: string[] }; axis?: { format: string } }> }[];
    };
    const enc = spec.layer[1].encoding;
    const colour = (v: string) => enc.color.scale!.range[enc.color.scale!.domain.indexOf(v)];
    expect(colour('pass')).toBe('#0072B2');
    expect(colour('fail')).toBe('#E69F00');
    expect(enc.shape.scale!.range[0]).not.toBe(enc.shape.scale!.range[1]);
    expect(spec.data.values.map((v) => [v.budgets, v.n])).toEqual([['fail', 1], ['pass', 3]]);
    expect(enc.x.axis!.format).toMatch(/^\$/);
  });
});
