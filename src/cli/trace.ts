import { basename, dirname } from 'node:path';
import { UserError } from '../errors.js';
import { reportHtml } from '../report/html.js';
import { renderSvg } from '../report/svg.js';
import { writeOutputs } from './run.js';
import { autocorrelation, countsCsv, type CountSeries } from '../forecast/series.js';
import { synthCounts } from '../forecast/synth.js';
import { parseRate } from '../scenario/units.js';
import { intFlag } from './options.js';
import { guardOutFile } from './outGuard.js';
import { checkSteps, durationFlag, loadCounts, MAX_STEPS, type TraceColumns } from './series.js';

/** `tidecast trace import`: any supported trace → the project's `time,count` CSV at a step. */
export function traceImport(file: string, f: { step: string; traceFormat?: string; format?: string; out?: string; force?: boolean } & TraceColumns): string {
  if (f.out !== undefined) guardOutFile('--out', f.out, f.force);
  const stepS = durationFlag('--step', f.step);
  // --format was this command's name for the input format; every other command says --trace-format
  const flag = f.traceFormat !== undefined || f.format === undefined ? '--trace-format' : '--format';
  if (f.traceFormat !== undefined && f.format !== undefined && f.traceFormat !== f.format) throw new UserError(`--format: a deprecated alias of --trace-format; give one (got --trace-format ${f.traceFormat} and --format ${f.format})`);
  const format = f.traceFormat ?? f.format ?? 'auto';
  if (!['auto', 'requests', 'intervals', 'azure-functions'].includes(format)) throw new UserError(`${flag}: expected auto, requests, intervals or azure-functions, got "${format}"`);
  return countsCsv(loadCounts(file, stepS, format as 'auto', false, f));
}

/** Options of `tidecast trace synth`. */
export interface SynthFlags {
  days: string;
  step: string;
  peak: string;
  trough: string;
  peakAt?: string;
  weekly?: string;
  growth?: string;
  noise?: string;
  burstRate?: string;
  burstFactor?: string;
  seed?: string;
  start?: string;
}

/** `tidecast trace synth`: a seeded tidal trace (the scenarios' generator) as `time,count`. */
export function traceSynth(f: SynthFlags & { out?: string; force?: boolean }): string {
  if (f.out !== undefined) guardOutFile('--out', f.out, f.force);
  const stepS = durationFlag('--step', f.step);
  const days = Number(f.days);
  if (!(days > 0) || days > 3650) throw new UserError(`--days: expected a positive number of days, at most 3650 (ten years), got "${f.days}"`);
  checkSteps(`${days} days`, (days * 86400) / stepS, stepS, MAX_STEPS);
  const rate = (flag: string, v: string) => {
    const r = parseRate(v);
    if (typeof r === 'string' || !(r >= 0)) throw new UserError(`${flag}: ${typeof r === 'string' ? r : `expected a non-negative rate, got "${v}"`}`);
    return r;
  };
  const weekly = f.weekly ? f.weekly.split(',').map(Number) : [1, 1, 1, 1, 0.95, 0.6, 0.5];
  if (weekly.length !== 7 || weekly.some((x) => !(x >= 0))) throw new UserError(`--weekly: expected 7 non-negative multipliers separated by commas, got "${f.weekly}"`);
  const num = (flag: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new UserError(`${flag}: expected a non-negative number, got "${v}"`);
    return x;
  };
  const seed = f.seed ? intFlag('--seed', f.seed, 0) : 1;
  const burstRate = f.burstRate ? rate('--burst-rate', f.burstRate) : 1 / (6 * 3600);
  const peak = rate('--peak', f.peak);
  const trough = rate('--trough', f.trough);
  if (trough > peak) throw new UserError(`--trough: expected a rate no higher than --peak (${f.peak}), got "${f.trough}"`);
  const spec = {
    peak,
    trough,
    peakAt: f.peakAt ? durationFlag('--peak-at', f.peakAt) : 14 * 3600,
    period: 86400,
    startAt: 0,
    weekly,
    growth: num('--growth', f.growth, 0.002),
    noise: num('--noise', f.noise, 0.05),
    step: Math.min(stepS, 300),
    bursts: burstRate > 0 ? { rate: burstRate, factor: num('--burst-factor', f.burstFactor, 1.5), duration: 1800 } : undefined,
  };
  const counts = synthCounts(spec, days, stepS, seed);
  const start = f.start ? Date.parse(f.start) / 1000 : Date.UTC(2026, 0, 5) / 1000; // a Monday
  if (!Number.isFinite(start)) throw new UserError(`--start: expected an ISO-8601 date such as 2026-01-05, got "${f.start}"`);
  return countsCsv({ startS: start, absolute: true, stepS, counts });
}

/** What `trace inspect` reports. */
export interface TraceStats {
  steps: number;
  stepS: number;
  spanS: number;
  total: number;
  meanRatePerS: number;
  peakRatePerS: number;
  troughRatePerS: number;
  peakToTrough: number;
  zeroSteps: number;
  /** Seasonal periods found (autocorrelation ≥ 0.3 at a day or a week), in seconds. */
  periodsS: number[];
  autocorrelation: { dayLag: number; weekLag: number };
}

/** Statistics of a count series (pure). */
export function traceStats(s: CountSeries): TraceStats {
  const c = s.counts;
  let total = 0;
  let peak = 0;
  let trough = Infinity;
  let zeros = 0;
  // peak and trough of the hourly-smoothed rate, so single noisy steps do not decide them
  const win = Math.max(1, Math.round(3600 / s.stepS));
  for (let i = 0; i < c.length; i++) {
    total += c[i];
    if (c[i] === 0) zeros++;
  }
  for (let i = 0; i + win <= c.length; i += win) {
    let w = 0;
    for (let j = i; j < i + win; j++) w += c[j];
    const r = w / (win * s.stepS);
    if (r > peak) peak = r;
    if (r < trough) trough = r;
  }
  if (trough === Infinity) trough = peak = total / (c.length * s.stepS);
  const day = Math.round(86400 / s.stepS);
  const week = day * 7;
  const acDay = autocorrelation(c, day);
  const acWeek = autocorrelation(c, week);
  const periodsS: number[] = [];
  if (acDay >= 0.3) periodsS.push(86400);
  if (acWeek >= 0.3) periodsS.push(604800);
  return {
    steps: c.length,
    stepS: s.stepS,
    spanS: c.length * s.stepS,
    total,
    meanRatePerS: total / (c.length * s.stepS),
    peakRatePerS: peak,
    troughRatePerS: trough,
    peakToTrough: trough > 0 ? peak / trough : Infinity,
    zeroSteps: zeros,
    periodsS,
    autocorrelation: { dayLag: acDay, weekLag: acWeek },
  };
}

/** A one-line terminal chart of the series (hourly means, eight levels). */
export function sparkline(s: CountSeries, width = 100): string {
  const blocks = '▁▂▃▄▅▆▇█';
  const c = s.counts;
  const per = Math.max(1, Math.ceil(c.length / width));
  const vals: number[] = [];
  for (let i = 0; i < c.length; i += per) {
    let w = 0;
    let n = 0;
    for (let j = i; j < Math.min(c.length, i + per); j++, n++) w += c[j];
    vals.push(w / n);
  }
  const max = Math.max(...vals, 1e-12);
  return vals.map((v) => blocks[Math.min(7, Math.floor((v / max) * 8))]).join('');
}

/** `tidecast trace inspect`: statistics, a terminal chart, and optionally an HTML chart. */
export async function traceInspect(file: string, f: { step: string; format?: string; html?: string; traceFormat?: string; force?: boolean } & TraceColumns): Promise<string> {
  if (f.html !== undefined) guardOutFile('--html', f.html, f.force);
  const stepS = durationFlag('--step', f.step);
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  const s = loadCounts(file, stepS, (f.traceFormat ?? 'auto') as 'auto', false, f);
  const st = traceStats(s);
  if (f.html) {
    const values = Array.from(s.counts, (c, i) => ({ hours: (i * stepS) / 3600, ratePerS: c / stepS }));
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `Arrivals: ${basename(file)}`, subtitle: `per second, ${stepS} s steps`, anchor: 'start' },
      width: 900,
      height: 260,
      data: { values },
      mark: { type: 'line', strokeWidth: 1 },
      encoding: { x: { field: 'hours', type: 'quantitative', title: 'time (h)' }, y: { field: 'ratePerS', type: 'quantitative', title: 'arrivals / s' } },
    };
    const html = reportHtml({
      title: `tidecast trace inspect — ${basename(file)}`,
      subtitle: `${st.steps} steps of ${stepS} s; mean ${st.meanRatePerS.toFixed(3)}/s; peak-to-trough ${st.peakToTrough.toFixed(2)}`,
      tableHtml: '',
      charts: [{ id: 'series', spec, svg: await renderSvg(spec) }],
      appendix: [{ heading: 'Statistics', text: JSON.stringify(st, null, 2) }],
    });
    writeOutputs(dirname(f.html), { [basename(f.html)]: html });
  }
  if (format === 'json') return JSON.stringify(st, null, 2) + '\n';
  const fmtS = (x: number) => (x >= 86400 ? `${(x / 86400).toFixed(2)} d` : x >= 3600 ? `${(x / 3600).toFixed(2)} h` : `${x.toFixed(0)} s`);
  return [
    `${file}: ${st.steps} steps of ${stepS} s (${fmtS(st.spanS)}), ${st.total.toLocaleString('en-US')} arrivals`,
    `rate per second: mean ${st.meanRatePerS.toFixed(3)}, hourly peak ${st.peakRatePerS.toFixed(3)}, hourly trough ${st.troughRatePerS.toFixed(3)}, peak-to-trough ${Number.isFinite(st.peakToTrough) ? st.peakToTrough.toFixed(2) : '∞'}`,
    `empty steps: ${st.zeroSteps}`,
    `seasonal periods: ${st.periodsS.length ? st.periodsS.map(fmtS).join(', ') : 'none detected'} (autocorrelation at a day ${fmtNum(st.autocorrelation.dayLag)}, at a week ${fmtNum(st.autocorrelation.weekLag)})`,
    sparkline(s),
    '',
  ].join('\n');
}

function fmtNum(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '—';
}
