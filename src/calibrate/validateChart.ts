import type { VegaLiteSpec } from '../report/charts.js';
import type { ObservedWindow } from './observed.js';

const PANELS: { title: string; pick: (w: ObservedWindow) => ArrayLike<number> | undefined }[] = [
  { title: 'claims per step', pick: (w) => w.counters.claims },
  { title: 'sandboxes running sessions', pick: (w) => w.gauges.running },
  { title: 'warm-pool sandboxes ready', pick: (w) => w.gauges.poolReady },
  { title: 'claims overflowed per step', pick: (w) => w.counters.overflows },
];

/**
 * The report's chart: per quantity, the observed series and the simulated one (the mean over
 * replications, step by step) overlaid on the observed window's clock. Pure: windows in, a
 * vega-lite spec out.
 */
export function validateChart(observed: ObservedWindow, simulated: readonly ObservedWindow[]): VegaLiteSpec {
  const values: { t: string; panel: string; source: string; value: number }[] = [];
  const at = (i: number) => new Date((observed.startS + (i + 1) * observed.stepS) * 1000).toISOString();
  for (const p of PANELS) {
    const o = p.pick(observed);
    const sims = simulated.map(p.pick).filter((x): x is ArrayLike<number> => x !== undefined);
    if (!o || sims.length === 0) continue;
    for (let i = 0; i < o.length; i++) values.push({ t: at(i), panel: p.title, source: 'observed', value: o[i] });
    const n = Math.min(...sims.map((s) => s.length));
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (const s of sims) m += s[i] / sims.length;
      values.push({ t: at(i), panel: p.title, source: `simulated (mean of ${sims.length})`, value: +m.toFixed(4) });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null } },
    spec: {
      width: 900,
      height: 150,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 't', type: 'temporal', title: 'time (UTC)' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'source', type: 'nominal', title: null, scale: { range: ['#222', '#d6604d'] } },
        strokeDash: { field: 'source', type: 'nominal', legend: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}
