import { UserError } from '../errors.js';
import type { HttpOptions } from '../scaler/httpGet.js';
import { MAX_POINTS, promRange, promUrl, promValue, type PromSeries } from '../scaler/promApi.js';
import { SourceError } from '../scaler/source.js';
import { bucketsFromCumulative, type Buckets } from './fitBuckets.js';
import { COUNTER_KEYS, EXPECTED, GAUGE_KEYS, HISTOGRAM_KEYS, type InputKey, type InputSpec } from './config.js';
import { increments, type ObservedWindow } from './observed.js';

/** A histogram's `sum by (le)` has one series per bucket; agent-sandbox's have 15 or 16. */
const MAX_HISTOGRAM_SERIES = 200;

type Matrix = PromSeries[];

/** One line naming the input and its query, what was expected, and what came back. */
const bad = (key: InputKey, spec: InputSpec, what: string) => new UserError(`calibrate: ${key} (query \`${spec.query}\`): ${what}; expected ${EXPECTED[key]}`);

/**
 * Reads a window from the Prometheus HTTP API with the scaler's HTTP client (one deadline for
 * the whole read, every query's connect, headers and body included; a size cap; a bearer token
 * re-read per call; TLS).
 * Counters and gauges are read with `query_range` at the step (summing any series they return);
 * histograms as their `le` series at the window's two ends. Any failure is a one-line
 * `UserError` naming the input and its query (exit 2).
 */
export async function readPrometheus(
  url: string,
  inputs: Partial<Record<InputKey, InputSpec>>,
  win: { startS: number; endS: number; stepS: number },
  http: HttpOptions,
): Promise<ObservedWindow> {
  const n = Math.round((win.endS - win.startS) / win.stepS);
  if (!(n >= 1) || Math.abs(n * win.stepS - (win.endS - win.startS)) > 1e-6) throw new UserError(`calibrate: --end − --start (${win.endS - win.startS} s) must be a positive whole number of steps of ${win.stepS} s`);
  if (n + 1 > MAX_POINTS) throw new UserError(`calibrate: ${n + 1} points per series is more than Prometheus answers (${MAX_POINTS}); use a longer --step or a shorter window`);
  const base = new URL(url.endsWith('/') ? url : url + '/');
  // one deadline for the whole read: every query spends what the ones before it left
  const until = performance.now() + http.timeout * 1000;
  const range = async (key: InputKey, spec: InputSpec, startS: number, endS: number, stepS: number, maxSeries: number): Promise<Matrix> => {
    const u = promUrl(base.href, 'query_range', { query: spec.query, start: startS, end: endS, step: stepS });
    let m: Matrix;
    try {
      const left = until - performance.now();
      if (left <= 0) throw new SourceError('timeout', `${base.host}: out of time (the read's deadline of ${http.timeout} s passed)`);
      m = await promRange(u, http, { timeoutMs: left }, maxSeries);
    } catch (e) {
      if (e instanceof SourceError) throw bad(key, spec, e.message);
      throw e;
    }
    if (m.length === 0) throw bad(key, spec, 'no series in the window (is the metric exported and scraped?)');
    return m;
  };
  /** The sum of the series at each of the n + 1 step boundaries; a missing point is an error. */
  const grid = (key: InputKey, spec: InputSpec, m: Matrix): Float64Array => {
    const out = new Float64Array(n + 1).fill(NaN);
    for (const s of m) {
      for (const [t, v] of s.values) {
        const k = Math.round((t - win.startS) / win.stepS);
        if (k < 0 || k > n || !Number.isFinite(v)) continue;
        out[k] = (Number.isNaN(out[k]) ? 0 : out[k]) + v;
      }
    }
    return out;
  };
  const w: ObservedWindow = { startS: win.startS, stepS: win.stepS, n, counters: {}, gauges: {}, histograms: {}, source: `prometheus ${base.host}` };
  for (const key of COUNTER_KEYS) {
    const spec = inputs[key];
    if (!spec) continue;
    const g = grid(key, spec, await range(key, spec, win.startS, win.endS, win.stepS, 1000));
    const miss = g.findIndex((v) => Number.isNaN(v));
    if (miss >= 0) throw bad(key, spec, `no value at ${new Date((win.startS + miss * win.stepS) * 1000).toISOString()} (a counter needs a sample at every step boundary)`);
    w.counters[key] = increments(g);
  }
  for (const key of GAUGE_KEYS) {
    const spec = inputs[key];
    if (!spec) continue;
    let m: Matrix;
    try {
      m = await range(key, spec, win.startS, win.endS, win.stepS, 1000);
    } catch (e) {
      // a gauge the fleet does not export leaves a placeholder; a broken query is still an error
      if (e instanceof UserError && /no series/.test(e.message)) continue;
      throw e;
    }
    const g = grid(key, spec, m).subarray(1);
    if (g.some((v) => Number.isNaN(v))) throw bad(key, spec, 'missing values inside the window (a gauge needs a value every step)');
    w.gauges[key] = Float64Array.from(g);
  }
  for (const key of HISTOGRAM_KEYS) {
    const spec = inputs[key];
    if (!spec) continue;
    let m: Matrix;
    try {
      m = await range(key, spec, win.startS, win.endS, win.endS - win.startS, MAX_HISTOGRAM_SERIES);
    } catch (e) {
      if (e instanceof UserError && /no series/.test(e.message)) continue;
      throw e;
    }
    w.histograms[key] = histogramOver(key, spec, m, win.startS, win.endS);
  }
  return w;
}

/** Bucket counts over [startS, endS] from `le` series (cumulative counters), in seconds. */
function histogramOver(key: InputKey, spec: InputSpec, m: Matrix, startS: number, endS: number): Buckets {
  const scale = spec.unit === 'ms' ? 0.001 : 1;
  const byLe = new Map<number, number>();
  for (const s of m) {
    const leText = s.metric.le;
    if (leText === undefined) throw bad(key, spec, 'a series without an `le` label (sum the _bucket series by (le))');
    const le = promValue(leText);
    if (Number.isNaN(le)) throw bad(key, spec, `le="${leText}" is not a number`);
    const at = (t: number) => s.values.find(([ts]) => Math.abs(ts - t) < 1e-3)?.[1];
    const a = at(startS) ?? 0; // a bucket series that starts inside the window started from 0
    const b = at(endS);
    if (b === undefined || !Number.isFinite(b)) throw bad(key, spec, `bucket le="${leText}" has no value at the window's end`);
    byLe.set(le, (byLe.get(le) ?? 0) + (b >= a ? b - a : b));
  }
  const les = [...byLe.keys()].sort((x, y) => x - y);
  if (les[les.length - 1] !== Infinity) throw bad(key, spec, 'no le="+Inf" bucket');
  const cum = les.map((le) => byLe.get(le)!);
  for (let i = 1; i < cum.length; i++) if (cum[i] < cum[i - 1] - 1e-9) throw bad(key, spec, `bucket counts fall from le=${les[i - 1]} to le=${les[i]} (buckets must be cumulative)`);
  return bucketsFromCumulative(les.slice(0, -1).map((x) => x * scale), cum);
}
