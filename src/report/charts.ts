import { op, rolling, table } from 'arquero';
import type { CdfPoint, SeriesRow, TailMark } from './data.js';

/**
 * The report's charts as vega-lite specs: pure functions from rows to specs (no I/O, no
 * rendering). Every chart takes long-format rows with a `variant` field, so one spec serves a
 * single run and a comparison (colour or facet by variant).
 */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 640;
const HEIGHT = 200;
const HOURS = { field: 'hours', type: 'quantitative', title: 'time (h)', axis: { format: ',~r' } };

/**
 * Tick formats that fit the data: `~` trims trailing zeros (d3-format), so a count axis reads
 * 0, 200, 400 and a rate 0%, 0.5%, 1% — never `0.000000` or `0.000000%`.
 */
export const FORMAT = { count: ',~r', share: '~%', money: '$,~r' } as const;

/** Seconds on a log axis as people say them: 50 ms, 1.5 s, 2 min. */
const SECONDS_LABEL = "datum.value >= 60 ? format(datum.value / 60, '~r') + ' min' : datum.value >= 1 ? format(datum.value, '~r') + ' s' : format(datum.value * 1000, '~r') + ' ms'";

/** 1-2-5 tick values covering [lo, hi] on a log axis (vega labels every decade's nine ticks, which overlap). */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  if (!(lo > 0) || !(hi >= lo)) return out;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= lo / 1.0001 && v <= hi * 1.0001) out.push(v);
    }
  }
  return out;
}

/** A linear y scale from 0 that stays readable when every value is 0 (a flat line on the axis, ticks 0 … `emptyMax`). */
function fromZero(values: readonly number[], emptyMax: number): Record<string, unknown> {
  return values.some((v) => v > 0) ? { zero: true } : { domain: [0, emptyMax] };
}

function base(title: string, description: string): VegaLiteSpec {
  return { $schema: SCHEMA, title: { text: title, subtitle: description, anchor: 'start' }, width: WIDTH, height: HEIGHT };
}

function many(rows: { variant: string }[]): boolean {
  return new Set(rows.map((r) => r.variant)).size > 1;
}

/**
 * Long rows (hours, variant, series, value) for several columns of the series, computed per row
 * (and its index) by `columns`: an arquero fold (wide to long, row by row), keeping finite values only.
 */
function fold(rows: SeriesRow[], columns: Record<string, (r: SeriesRow, i: number) => number>) {
  const names = Object.keys(columns);
  const wide: Record<string, unknown[]> = { hours: rows.map((r) => r.hours), variant: rows.map((r) => r.variant) };
  for (const name of names) wide[name] = rows.map(columns[name]);
  return table(wide)
    .fold(names, { as: ['series', 'value'] })
    .filter((d) => op.is_finite(d.value))
    .objects() as { hours: number; variant: string; series: string; value: number }[];
}

function lines(title: string, description: string, rows: SeriesRow[], columns: Record<string, (r: SeriesRow, i: number) => number>, yTitle: string, yScale: Record<string, unknown> = {}): VegaLiteSpec {
  const multi = many(rows);
  return {
    ...base(title, description),
    data: { values: fold(rows, columns) },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: HOURS,
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: yScale, axis: yScale.type === 'log' ? { labelExpr: SECONDS_LABEL, labelOverlap: 'greedy' } : { format: FORMAT.count } },
      color: { field: 'series', type: 'nominal', title: null },
      ...(multi ? { strokeDash: { field: 'variant', type: 'nominal', title: 'variant' } } : {}),
      tooltip: [{ field: 'variant' }, { field: 'series' }, { field: 'hours', format: '.2f' }, { field: 'value', format: ',.3~f' }],
    },
  };
}

function stacked(title: string, description: string, rows: SeriesRow[], columns: Record<string, (r: SeriesRow, i: number) => number>, yTitle: string, format: string = FORMAT.count): VegaLiteSpec {
  const multi = many(rows);
  const spec: VegaLiteSpec = {
    data: { values: fold(rows, columns) },
    mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
    encoding: {
      x: HOURS,
      y: { field: 'value', type: 'quantitative', stack: 'zero', title: yTitle, axis: { format } },
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

/**
 * Arrivals and capacity as three panels on one time axis: arrivals per second; demand (running
 * plus waiting) against the reserved slots; and the warm-pool target on its own scale — beside
 * 950 reserved slots a target of 20 would sit on the zero line.
 */
export function arrivalsChart(rows: SeriesRow[], intervalS: number, reservedSlots: number): VegaLiteSpec {
  const multi = many(rows);
  const dash = multi ? { strokeDash: { field: 'variant', type: 'nominal', title: 'variant' } } : {};
  const rate = fold(rows, { 'arrivals/s': (r) => r.arrivals / intervalS });
  const cap = fold(rows, { 'reserved slots': () => (Number.isFinite(reservedSlots) ? reservedSlots : NaN), 'demand (running + waiting)': (r) => r.concurrency + r.queue });
  const target = fold(rows, { 'warm-pool target': (r) => r.poolTarget });
  const panel = (values: unknown[], yTitle: string, height: number, color: Record<string, unknown>) => ({
    width: WIDTH,
    height,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: HOURS,
      y: { field: 'value', type: 'quantitative', title: yTitle, axis: { format: FORMAT.count }, scale: fromZero((values as { value: number }[]).map((v) => v.value), 1) },
      ...color,
      ...dash,
      tooltip: [{ field: 'variant' }, { field: 'series' }, { field: 'hours', format: '.2f' }, { field: 'value', format: ',.3~r' }],
    },
  });
  return {
    $schema: SCHEMA,
    title: { text: 'Arrivals and capacity', subtitle: 'arrivals per second; demand against the reserved slots; the warm-pool target (each on its own scale)', anchor: 'start' },
    vconcat: [
      panel(rate, 'arrivals (per s)', 120, { color: { value: '#4c78a8' } }),
      panel(cap, 'capacity (sandboxes)', 140, { color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['demand (running + waiting)', 'reserved slots'], range: ['#4c78a8', '#e45756'] } } }),
      panel(target, 'pool target (sandboxes)', 90, { color: { value: '#54a24b' } }),
    ],
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
    'running (sessions)',
  );
}

/** Ready sandboxes in the warm pool against the target. */
export function poolChart(rows: SeriesRow[]): VegaLiteSpec {
  return lines('Warm pool', 'ready sandboxes (interval mean) against the target', rows, { ready: (r) => r.poolReady, target: (r) => r.poolTarget }, 'pool (sandboxes)');
}

/** Start latency p50 and p99 per interval (log scale). */
export function latencyChart(rows: SeriesRow[]): VegaLiteSpec {
  return lines('Start latency over time', 'p50 and p99 of sessions starting in each interval (log scale)', rows, {
    p50: (r) => (r.latencyP50 > 0 ? r.latencyP50 : NaN),
    p99: (r) => (r.latencyP99 > 0 ? r.latencyP99 : NaN),
  }, 'start latency (log scale)', { type: 'log' });
}

/**
 * The start-latency tail as a survival curve: the share of sessions slower than x (1 − CDF), on
 * log axes both ways, so the 1% and 0.1% a planner budgets are a decade apart instead of a flat
 * line at the top of a linear CDF; p50, p99 and p99.9 marked and labelled with their values.
 */
export function latencyCdfChart(points: CdfPoint[], marks: TailMark[] = []): VegaLiteSpec {
  const curve = points.filter((p) => p.exceed > 0);
  const lo = Math.min(...curve.map((p) => p.latencyS));
  const hi = Math.max(...curve.map((p) => p.latencyS));
  const x = { field: 'latencyS', type: 'quantitative', scale: { type: 'log', nice: false, domain: curve.length ? [lo, hi] : undefined }, title: 'start latency (log scale)', axis: { labelExpr: SECONDS_LABEL, values: logTicks(lo, hi) } };
  const y = { field: 'exceed', type: 'quantitative', scale: { type: 'log' }, title: 'share of sessions slower (log scale)', axis: { format: FORMAT.share } };
  const label = marks.map((m) => ({ ...m, text: `${m.label} ${m.latencyS >= 1 ? `${+m.latencyS.toPrecision(3)} s` : `${+(m.latencyS * 1000).toPrecision(3)} ms`}` }));
  return {
    ...base('Start latency tail', 'share of sessions that waited longer than x (1 − CDF), log scales; p50, p99 and p99.9 marked'),
    height: 260,
    layer: [
      { data: { values: label.filter((m) => m.label !== 'p50') }, mark: { type: 'rule', strokeDash: [3, 3], color: '#bbb' }, encoding: { y: { field: 'exceed', type: 'quantitative' } } },
      {
        data: { values: curve },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: { x, y, color: { field: 'variant', type: 'nominal', title: 'variant' }, tooltip: [{ field: 'variant' }, { field: 'latencyS', title: 'latency (s)', format: '.3~r' }, { field: 'exceed', title: 'share slower', format: '.3~%' }] },
      },
      { data: { values: label }, mark: { type: 'point', filled: true, size: 50 }, encoding: { x, y, color: { field: 'variant', type: 'nominal' }, tooltip: [{ field: 'variant' }, { field: 'text' }] } },
      { data: { values: label }, mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 11 }, encoding: { x, y, text: { field: 'text' }, color: { field: 'variant', type: 'nominal' } } },
    ],
  };
}

/** Queue length and the share of arrivals overflowing, per interval, in two panels. */
export function queueChart(rows: SeriesRow[]): VegaLiteSpec {
  const multi = many(rows);
  const dash = multi ? { strokeDash: { field: 'variant', type: 'nominal', title: 'variant' } } : {};
  const queue = fold(rows, { queue: (r) => r.queue });
  const overflow = fold(rows, { 'overflow rate': (r) => (r.arrivals > 0 ? r.overflowed / r.arrivals : NaN) });
  const panel = (values: { value: number }[], yTitle: string, color: string, format: string, emptyMax: number) => ({
    width: WIDTH,
    height: 110,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', color },
    encoding: {
      x: HOURS,
      y: { field: 'value', type: 'quantitative', title: yTitle, axis: { format }, scale: fromZero(values.map((v) => v.value), emptyMax) },
      ...dash,
      tooltip: [{ field: 'variant' }, { field: 'hours', format: '.2f' }, { field: 'value', format: format === FORMAT.share ? '.3~%' : ',.3~r' }],
    },
  });
  return {
    $schema: SCHEMA,
    title: { text: 'Queue and overflow', subtitle: 'mean requests waiting for a reserved slot, and the share of arrivals overflowing to serverless', anchor: 'start' },
    vconcat: [panel(queue, 'waiting (requests)', '#4c78a8', FORMAT.count, 1), panel(overflow, 'overflow (% of arrivals)', '#f58518', FORMAT.share, 0.01)],
  };
}

/** Cumulative cost by tier, stacked. */
export function costChart(rows: SeriesRow[]): VegaLiteSpec {
  // running sums per variant, in time order; a NaN interval turns the rest of its sum NaN (as a
  // plain running sum does: arquero's sum would skip it), so the curve stops where data stops
  const cum = table({ variant: rows.map((r) => r.variant), reserved: rows.map((r) => r.costReserved), serverless: rows.map((r) => r.costServerless) })
    .groupby('variant')
    .derive({
      reserved: rolling((d: { reserved: number }) => op.sum(d.reserved)),
      serverless: rolling((d: { serverless: number }) => op.sum(d.serverless)),
      gapReserved: rolling((d: { reserved: number }) => op.invalid(d.reserved)),
      gapServerless: rolling((d: { serverless: number }) => op.invalid(d.serverless)),
    })
    .derive({ reserved: (d) => (d.gapReserved > 0 ? NaN : d.reserved), serverless: (d) => (d.gapServerless > 0 ? NaN : d.serverless) });
  const reserved = cum.array('reserved') as number[];
  const serverless = cum.array('serverless') as number[];
  return stacked('Cumulative cost by tier', 'reserved slots (billed whether used or not) and serverless slot-seconds, over the whole horizon', rows, {
    reserved: (_, i) => reserved[i],
    serverless: (_, i) => serverless[i],
  }, 'cumulative cost ($)', FORMAT.money);
}
