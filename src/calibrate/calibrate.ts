import { Z99, type DistributionSpec } from '../random/distributions.js';
import { fitBuckets, total, type BucketFit, type Buckets } from './fitBuckets.js';
import type { HistogramKey } from './config.js';
import type { ObservedWindow } from './observed.js';
import { fitTidal, type TidalFit } from './tidalFit.js';

/** What `calibrate` produces: the scenario's text, the arrival trace's, and what was fitted. */
export interface Calibration {
  yaml: string;
  traceCsv: string;
  fits: Partial<Record<HistogramKey, BucketFit[]>>;
  tidal: TidalFit | null;
  /** Things the planner should know (placeholders left). */
  notes: string[];
}

/** Options: the scenario's name, the trace file's name as the scenario refers to it, the schema's path for editors. */
export interface CalibrateOptions {
  name: string;
  traceFile: string;
  schemaPath: string;
}

const sec = (x: number) => `${+x.toPrecision(5)}s`;
const rate = (x: number) => `${+x.toPrecision(5)}/s`;
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
const hms = (s: number) => `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m${String(Math.round(s % 60)).padStart(2, '0')}s`.replace(/m00s$/, 'm');

/** A distribution spec as scenario YAML (flow style). */
export function specYaml(spec: DistributionSpec): string {
  switch (spec.kind) {
    case 'fixed':
      return sec(spec.value);
    case 'lognormal':
      return `{ lognormal: { median: ${sec(Math.exp(spec.mu))}, p99: ${sec(Math.exp(spec.mu + Z99 * spec.sigma))} } }`;
    case 'gamma':
      return `{ gamma: { shape: ${+spec.shape.toPrecision(5)}, scale: ${sec(spec.scale)} } }`;
    case 'exponential':
      return `{ exponential: { mean: ${sec(spec.mean)} } }`;
    case 'uniform':
      return `{ uniform: { min: ${sec(spec.min)}, max: ${sec(spec.max)} } }`;
    case 'empirical':
      return `{ empirical: { values: [${spec.values.map(sec).join(', ')}] } }`;
  }
}

/** The comment beside a fitted distribution: the choice, its goodness of fit, the others' AIC gaps. */
function fitComment(fits: BucketFit[], b: Buckets): string {
  const best = fits[0];
  if (best.kind === 'fixed') return `one bucket holds all ${int(total(b))} observations: its midpoint`;
  const others = fits.slice(1).map((f) => `${f.kind} +${f.aic - best.aic >= 1e5 ? (f.aic - best.aic).toExponential(1) : (f.aic - best.aic).toFixed(1)}`);
  return `${best.kind} by AIC over ${int(total(b))} observations in ${b.bounds.length + 1} buckets; KS distance on the bucket CDF ${best.ks.toFixed(4)}; median ${sec(best.median)}, p99 ${sec(best.p99)}; ΔAIC ${others.join(', ')}`;
}

/**
 * Builds a scenario from an observed window (pure: the CLI reads and writes). Arrivals are the
 * claim counts per step as an interval trace, with the tidal curve fitted to them as a
 * commented alternative; distributions are the best fits of the histograms; capacity comes from
 * the gauges; whatever no metric shows is a commented placeholder naming the input that would
 * fill it. The first line points editors at the scenario JSON Schema.
 */
export function calibrate(w: ObservedWindow, o: CalibrateOptions): Calibration {
  const notes: string[] = [];
  const claims = w.counters.claims!;
  const fits: Calibration['fits'] = {};
  for (const [k, b] of Object.entries(w.histograms) as [HistogramKey, Buckets][]) {
    const f = fitBuckets(b);
    if (f) fits[k] = f;
  }
  const dist = (key: HistogramKey, fallback: string, placeholder: string, indent: string, field: string): string[] => {
    const f = fits[key];
    if (f) return [`${indent}# ${fitComment(f, w.histograms[key]!)}`, `${indent}${field}: ${specYaml(f[0].spec)}`];
    notes.push(`${field}: placeholder (${placeholder})`);
    return [`${indent}# placeholder: ${placeholder}`, `${indent}${field}: ${fallback}`];
  };
  const sum = (a?: Float64Array) => (a ? a.reduce((s, v) => s + v, 0) : NaN);
  const tidal = fitTidal(claims, w.startS, w.stepS);
  const L: string[] = [];
  L.push(`# yaml-language-server: $schema=${o.schemaPath}`);
  L.push(`# Calibrated by tidecast calibrate from ${w.source}, ${iso(w.startS)} to ${iso(w.startS + w.n * w.stepS)}`);
  L.push(`# (${w.n} steps of ${sec(w.stepS)}; ${int(sum(claims))} claims). Check it with: tidecast validate <this file> --observed …`);
  L.push(`name: ${o.name}`);
  L.push('seed: 1');
  L.push(`duration: ${sec(w.n * w.stepS)}`);
  L.push('warmup: 0s');
  L.push('replications: 4');
  L.push(`output: { interval: ${sec(w.stepS)} }`);
  L.push('workload:');
  L.push('  arrivals:');
  L.push(`    # claims per ${sec(w.stepS)} step, exactly as observed (${o.traceFile})`);
  L.push(`    trace: { path: ${o.traceFile}, format: intervals }`);
  if (tidal) {
    L.push(`    # the daily tide fitted to it (RMSE ${tidal.rmse.toFixed(2)} claims a step = ${(100 * tidal.relRmse).toFixed(1)}% of the mean, R² ${tidal.r2.toFixed(3)}${w.n * w.stepS < 86400 ? `; from ${hms(w.n * w.stepS)} of a 24h cycle` : ''}):`);
    L.push(`    # replace the trace with it to extrapolate beyond the window:`);
    const b = tidal.bursts;
    L.push(
      `    # tidal: { peak: ${rate(tidal.peak)}, trough: ${rate(tidal.trough)}, peakAt: ${hms(tidal.peakAtS)}, startAt: ${hms(tidal.startAtS)}, noise: ${+tidal.noise.toFixed(3)}, step: ${sec(w.stepS)}${b ? `, bursts: { rate: ${+(b.ratePerS * 3600).toPrecision(3)}/h, factor: ${+b.factor.toFixed(2)}, duration: ${sec(b.durationS)} }` : ''} }`,
    );
  }
  L.push(...dist('sessionDuration', '5m', 'no session-duration histogram; set queries.sessionDuration to buckets of sandbox lifetimes', '  ', 'sessionDuration'));
  L.push('infrastructure:');
  L.push('  reserved:');
  const cap = w.gauges.reservedCapacity;
  if (cap && cap.length) {
    const lo = Math.min(...cap);
    const hi = Math.max(...cap);
    L.push(`    # from reservedCapacity${lo !== hi ? ` (it ranged ${int(lo)}–${int(hi)}; the most is used)` : ''}`);
    L.push(`    slots: ${Math.round(hi)}`);
  } else {
    notes.push('infrastructure.reserved.slots: placeholder (no capacity gauge)');
    L.push('    # placeholder: no reserved-capacity gauge; set queries.reservedCapacity (e.g. the allocatable sandbox slots of the node pool)');
    L.push('    slots: unlimited');
  }
  L.push(...dist('coldStart', '10s', 'no cold-start histogram; set queries.coldStart to creation-to-ready buckets', '    ', 'coldStart'));
  const over = w.counters.overflows;
  const overflowed = sum(over);
  L.push('  serverless:');
  if (over && overflowed > 0) {
    L.push(`    # ${int(overflowed)} claims overflowed (${((100 * overflowed) / sum(claims)).toFixed(2)}%)`);
    L.push('    enabled: true');
    L.push(...dist('serverlessColdStart', '2s', 'no serverless cold-start histogram; set queries.serverlessColdStart', '    ', 'coldStart'));
  } else {
    L.push(`    # ${over ? 'no claim overflowed in the window' : 'placeholder: no overflow counter (queries.overflows)'}`);
    L.push(`    enabled: ${over ? 'false' : 'true'}`);
  }
  L.push('  # placeholder: the overflow rule is configuration, not a metric; these are the defaults: set your gateway\'s');
  L.push('  overflow: { queueThreshold: 500, waitTimeout: 30s }');
  L.push('  warmPool:');
  const target = w.gauges.poolTarget;
  const ready = w.gauges.poolReady;
  if (target && target.length) {
    const sorted = Float64Array.from(target).sort();
    const med = sorted[sorted.length >> 1];
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    L.push(`    # from poolTarget${lo !== hi ? `: it moved between ${int(lo)} and ${int(hi)} (median used; a policy may describe it better)` : ''}`);
    L.push(`    size: ${Math.round(med)}`);
  } else if (ready && ready.length) {
    L.push('    # from the most ready sandboxes seen (no poolTarget gauge; set queries.poolTarget)');
    L.push(`    size: ${Math.round(Math.max(...ready))}`);
  } else {
    notes.push('infrastructure.warmPool.size: placeholder (no pool gauges)');
    L.push('    # placeholder: no pool gauges; set queries.poolTarget or queries.poolReady');
    L.push('    size: 0');
  }
  L.push(...dist('claimLatency', '0s', 'no warm-claim latency histogram; set queries.claimLatency', '    ', 'claimLatency'));
  const trace = ['time,count', ...Array.from(claims, (c, i) => `${iso(w.startS + i * w.stepS)},${c}`)].join('\n') + '\n';
  return { yaml: L.join('\n') + '\n', traceCsv: trace, fits, tidal, notes };
}
