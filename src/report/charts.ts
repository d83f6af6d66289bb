import type { CdfPoint, SeriesRow } from './data.js';

/**
 * The report's charts as vega-lite specs: pure functions from rows to specs (no I/O, no
 * rendering). Every chart takes long-format rows with a `variant` field, so one spec serves a
 * single run and a comparison (colour or facet by variant).
 */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 640;
const HEIGHT = 200;
const HOURS = { field: 'hours', type: 'quantitative', title: 'time (h)' };

function base(title: string, description: string): VegaLiteSpec {
  return { $schema: SCHEMA, title: { text: title, subtitle: description, anchor: 'start' }, width: WIDTH, height: HEIGHT };
}

function many(rows: { variant: string }[]): boolean {
  return new Set(rows.map((r) => r.variant)).size > 1;
}

/** Long rows (t, variant, series, value) for several columns of the series. */
function fold(rows: SeriesRow[], columns: Record<string, (r: SeriesRow) => number>) {
  const out: { hours: number; variant: string; series: string; value: number }[] = [];
  for (const r of rows) {
    for (const [name, f] of Object.entries(columns)) {
      const v = f(r);
      if (Number.isFinite(v)) out.push({ hours: r.hours, variant: r.variant, series: name, value: v });
    }
  }
  return out;
}

function lines(title: string, description: string, rows: SeriesRow[], columns: Record<string, (r: SeriesRow) => number>, yTitle: string, yScale: Record<string, unknown> = {}): VegaLiteSpec {
  const multi = many(rows);
  return {
    ...base(title, description),
    data: { values: fold(rows, columns) },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: HOURS,
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: yScale },
      color: { field: 'series', type: 'nominal', title: null },
      ...(multi ? { strokeDash: { field: 'variant', type: 'nominal', title: 'variant' } } : {}),
      tooltip: [{ field: 'variant' }, { field: 'series' }, { field: 'hours', format: '.2f' }, { field: 'value', format: ',.3~f' }],
    },
  };
}

function stacked(title: string, description: string, rows: SeriesRow[], columns: Record<string, (r: SeriesRow) => number>, yTitle: string): VegaLiteSpec {
  const multi = many(rows);
  const spec: VegaLiteSpec = {
    data: { values: fold(rows, columns) },
    mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
    encoding: {
      x: HOURS,
      y: { field: 'value', type: 'quantitative', stack: 'zero', title: yTitle },
      color: { field: 'series', type: 'nominal', title: null, sort: Object.keys(columns) },
      order: { field: 'series' },
      tooltip: [{ field: 'variant' }, { field: 'series' }, { field: 'hours', format: '.2f' }, { field: 'value', format: ',.2f' }],
    },
  };
  if (!multi) return { ...base(title, description), ...spec };
  const { data, ...inner } = spec;
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: description, anchor: 'start' },
    data,
    facet: { row: { field: 'variant', type: 'nominal', title: null } },
    spec: { width: WIDTH, height: 140, ...inner },
  };
}

/** Arrivals per second against reserved capacity and the pool target (independent axes). */
export function arrivalsChart(rows: SeriesRow[], intervalS: number, reservedSlots: number): VegaLiteSpec {
  const multi = many(rows);
  const rate = fold(rows, { 'arrivals/s': (r) => r.arrivals / intervalS });
  const cap = fold(rows, { 'reserved slots': () => (Number.isFinite(reservedSlots) ? reservedSlots : NaN), 'pool target': (r) => r.poolTarget, 'demand (running + waiting)': (r) => r.concurrency + r.queue });
  const dash = multi ? { strokeDash: { field: 'variant', type: 'nominal', title: 'variant' } } : {};
  return {
    ...base('Arrivals and capacity', 'arrivals per second (left) against reserved slots, demand and the warm-pool target (right)'),
    layer: [
      { data: { values: rate }, mark: { type: 'line', interpolate: 'step-after', color: '#4c78a8' }, encoding: { x: HOURS, y: { field: 'value', type: 'quantitative', title: 'arrivals / s', axis: { titleColor: '#4c78a8' } }, ...dash } },
      { data: { values: cap }, mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 }, encoding: { x: HOURS, y: { field: 'value', type: 'quantitative', title: 'sandboxes' }, color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#e45756', '#54a24b', '#b279a2'] } }, ...dash } },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Running sessions by where they started, stacked. */
export function concurrencyChart(rows: SeriesRow[]): VegaLiteSpec {
  const hibernation = rows.some((r) => r.hibernated > 0);
  return stacked(
    'Concurrency by where sessions run',
    `running sessions at the end of each interval, by how they started: warm-pool claim, reserved cold start, serverless${hibernation ? '; and sessions hibernated (interval mean, no slot held)' : ''}`,
    rows,
    {
      'warm-pool claim': (r) => r.runningWarm,
      reserved: (r) => r.runningReserved,
      serverless: (r) => r.runningServerless,
      ...(hibernation ? { hibernated: (r: SeriesRow) => r.hibernated } : {}),
    },
    'sessions',
  );
}

/** Ready sandboxes in the warm pool against the target. */
export function poolChart(rows: SeriesRow[]): VegaLiteSpec {
  return lines('Warm pool', 'ready sandboxes (interval mean) against the target', rows, { ready: (r) => r.poolReady, target: (r) => r.poolTarget }, 'sandboxes');
}

/** Start latency p50 and p99 per interval (log scale). */
export function latencyChart(rows: SeriesRow[]): VegaLiteSpec {
  return lines('Start latency over time', 'p50 and p99 of sessions starting in each interval (log scale)', rows, {
    p50: (r) => (r.latencyP50 > 0 ? r.latencyP50 : NaN),
    p99: (r) => (r.latencyP99 > 0 ? r.latencyP99 : NaN),
  }, 'seconds', { type: 'log' });
}

/** The distribution of start latency: its CDF on a log axis. */
export function latencyCdfChart(points: CdfPoint[]): VegaLiteSpec {
  return {
    ...base('Start latency distribution', 'fraction of sessions started within x seconds (log scale)'),
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: { field: 'latencyS', type: 'quantitative', scale: { type: 'log' }, title: 'start latency (s)' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of sessions', scale: { domain: [0, 1] } },
      color: { field: 'variant', type: 'nominal', title: 'variant' },
      tooltip: [{ field: 'variant' }, { field: 'latencyS', format: '.3~f' }, { field: 'fraction', format: '.4f' }],
    },
  };
}

/** Queue length and the share of arrivals overflowing, per interval (independent axes). */
export function queueChart(rows: SeriesRow[]): VegaLiteSpec {
  const multi = many(rows);
  const dash = multi ? { strokeDash: { field: 'variant', type: 'nominal', title: 'variant' } } : {};
  return {
    ...base('Queue and overflow', 'mean requests waiting for a reserved slot (left) and the share of arrivals overflowing to serverless (right)'),
    layer: [
      { data: { values: fold(rows, { queue: (r) => r.queue }) }, mark: { type: 'line', interpolate: 'step-after', color: '#4c78a8' }, encoding: { x: HOURS, y: { field: 'value', type: 'quantitative', title: 'waiting', axis: { titleColor: '#4c78a8' } }, ...dash } },
      { data: { values: fold(rows, { 'overflow rate': (r) => (r.arrivals > 0 ? r.overflowed / r.arrivals : NaN) }) }, mark: { type: 'line', interpolate: 'step-after', color: '#f58518' }, encoding: { x: HOURS, y: { field: 'value', type: 'quantitative', title: 'overflow rate', axis: { format: '%', titleColor: '#f58518' } }, ...dash } },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Cumulative cost by tier, stacked. */
export function costChart(rows: SeriesRow[]): VegaLiteSpec {
  const cum = new Map<string, { reserved: number; serverless: number }>();
  const withCum = rows.map((r) => {
    const c = cum.get(r.variant) ?? { reserved: 0, serverless: 0 };
    c.reserved += r.costReserved;
    c.serverless += r.costServerless;
    cum.set(r.variant, c);
    return { ...r, cumReserved: c.reserved, cumServerless: c.serverless };
  });
  return stacked('Cumulative cost by tier', 'reserved slots (billed whether used or not) and serverless slot-seconds, over the whole horizon', withCum as SeriesRow[], {
    reserved: (r) => (r as unknown as { cumReserved: number }).cumReserved,
    serverless: (r) => (r as unknown as { cumServerless: number }).cumServerless,
  }, 'cost');
}
