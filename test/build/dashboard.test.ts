import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboardJson, exportedSeriesNames, scalerDashboard } from '../../src/build/dashboard.js';

/** deploy/grafana-dashboard.json is what src/build/dashboard.ts generates, and reads only what the scaler exports. */

type Panel = { id: number; type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[]; gridPos: { x: number; y: number; w: number; h: number } };
const exprsOf = (d: { panels: Panel[]; templating: { list: { query?: unknown }[] } }) => [
  ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...d.templating.list.map((v) => v.query).filter((x): x is string => typeof x === 'string' && x.includes('(')),
];
/** Metric names in PromQL: an identifier followed by a selector `{`, or the first argument of label_values(). */
const metricNames = (exprs: string[]) => new Set(exprs.flatMap((e) => [...e.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g), ...e.matchAll(/label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*)/g)].map((m) => m[1])));

describe('deploy/grafana-dashboard.json', () => {
  const exported = exportedSeriesNames();
  const committed = readFileSync('deploy/grafana-dashboard.json', 'utf8');

  it('is what `npm run dashboard` generates from the scaler\'s current metrics', () => {
    expect(dashboardJson()).toBe(committed);
  });

  it('queries only series the scaler exports, and shows every tidecast series it exports', () => {
    const d = JSON.parse(committed);
    const used = metricNames(exprsOf(d));
    expect(used.size).toBeGreaterThanOrEqual(12);
    for (const n of used) expect(exported, n).toContain(n);
    const ours = [...exported].filter((n) => n.startsWith('tidecast_') && !n.endsWith('_sum') && !n.endsWith('_count'));
    for (const n of ours) expect(used, n).toContain(n);
  });

  it('panels: unique ids, the datasource variable everywhere, no overlap on the 24-column grid', () => {
    const d = JSON.parse(committed) as { panels: Panel[] };
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    for (const p of d.panels.filter((x) => x.type !== 'row')) expect(p.datasource?.uid, p.title).toBe('${datasource}');
    const cells = new Set<string>();
    for (const p of d.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it('adds the panels for the pool\'s observed state, suspect values and scrape age when the scaler exports them', () => {
    const extra = ['tidecast_scaler_pool_ready', 'tidecast_scaler_pool_spec_replicas', 'tidecast_scaler_suspect_values_total', 'tidecast_scaler_source_scrape_age_seconds'];
    const without = metricNames(exprsOf(scalerDashboard(new Set([...exported].filter((n) => !extra.includes(n)))) as never));
    const withThem = metricNames(exprsOf(scalerDashboard(new Set([...exported, ...extra])) as never));
    for (const n of extra) {
      expect(without.has(n), n).toBe(false);
      expect(withThem.has(n), n).toBe(true);
    }
  });
});
