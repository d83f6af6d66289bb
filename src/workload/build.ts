import type { Rng } from '../random/rng.js';
import type { Scenario, TraceSpec } from '../scenario/schema.js';
import { formatDuration } from '../scenario/units.js';
import { PoissonArrivals, RateCurveArrivals, ReplayArrivals, type ArrivalProcess } from './arrivals.js';
import { tidalRateCurve } from './tidal.js';
import { readTrace, type TraceData } from './trace.js';

/** Inputs read from files once, before any replication runs (and sent to worker threads). */
export interface PreparedInputs {
  trace: TraceData | null;
  /** Traces of templates with arrivals of their own, by template name. */
  templateTraces?: Record<string, TraceData>;
  /** Things the user should know about how their input is used (printed on stderr). */
  notes: string[];
}

/** Reads the files a scenario refers to and checks how they fit its horizon. */
export function prepareInputs(s: Scenario, scenarioFile?: string): PreparedInputs {
  const notes: string[] = [];
  const templateTraces: Record<string, TraceData> = {};
  for (const [name, t] of Object.entries(s.templates ?? {})) {
    const spec = t.arrivals?.trace;
    if (spec) templateTraces[name] = checkTrace(s, spec, readTrace(spec, scenarioFile, `templates.${name}.arrivals.trace`), notes);
  }
  const spec = s.workload.arrivals.trace;
  if (!spec) return { trace: null, templateTraces, notes };
  return { trace: checkTrace(s, spec, readTrace(spec, scenarioFile), notes), templateTraces, notes };
}

/** Notes how a trace fits the scenario's horizon. */
function checkTrace(s: Scenario, spec: TraceSpec, trace: TraceData, notes: string[]): TraceData {
  if (trace.kind === 'requests') {
    let beyond = 0;
    for (let i = trace.timesS.length - 1; i >= 0 && trace.timesS[i] >= s.duration; i--) beyond++;
    if (beyond > 0 && !spec.loop) {
      notes.push(`${trace.file}: ${beyond} of ${trace.timesS.length} requests come after the ${formatDuration(s.duration)} horizon and are not simulated (raise duration to ${Math.ceil(trace.spanS)} s to include them)`);
    }
  }
  if (s.duration - trace.spanS > 0.01 * s.duration && !spec.loop) {
    notes.push(`${trace.file}: the trace spans ${formatDuration(trace.spanS)}, less than the ${formatDuration(s.duration)} horizon; no arrivals after it (set loop: true to repeat it)`);
  }
  return trace;
}

/**
 * The arrival process of a scenario for one replication, drawing from `rng`: its
 * workload.arrivals, or those of the template named `template`.
 */
export function makeArrivals(s: Scenario, inputs: PreparedInputs, rng: Rng, template?: string): ArrivalProcess {
  const a = template === undefined ? s.workload.arrivals : s.templates![template].arrivals!;
  if (a.poisson) return new PoissonArrivals(a.poisson.rate, rng);
  if (a.tidal) {
    const curve = tidalRateCurve(a.tidal, s.duration, rng);
    return new RateCurveArrivals(curve.ratesPerS, curve.stepS, rng);
  }
  const spec = a.trace!;
  const trace = template === undefined ? inputs.trace : (inputs.templateTraces?.[template] ?? null);
  if (!trace) throw new Error('trace arrivals need prepareInputs() first');
  if (trace.kind === 'intervals') {
    const rates = trace.curve.ratesPerS.map((r) => r * spec.scale);
    return new RateCurveArrivals(rates, trace.curve.stepS, rng, spec.loop);
  }
  const scaled = scaleRequests(trace.timesS, trace.durationsS, spec.scale, spec.jitter, rng);
  return new ReplayArrivals(scaled.times, scaled.durations, spec.loop ? trace.spanS : 0);
}

/**
 * Scales a per-request trace: each request appears ⌊k⌋ times plus once more with probability
 * frac(k) (so k < 1 thins and k > 1 multiplies, with the expected count exactly k× the trace);
 * copies after the first are moved later by a uniform jitter so they do not arrive as one batch.
 */
export function scaleRequests(
  times: Float64Array,
  durations: Float64Array | null,
  k: number,
  jitterS: number,
  rng: Rng,
): { times: Float64Array; durations: Float64Array | null } {
  if (k === 1) return { times, durations };
  const whole = Math.floor(k);
  const frac = k - whole;
  const outT: number[] = [];
  const outD: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const copies = whole + (frac > 0 && rng.next() < frac ? 1 : 0);
    for (let c = 0; c < copies; c++) {
      outT.push(times[i] + (c === 0 ? 0 : rng.next() * jitterS));
      if (durations) outD.push(durations[i]);
    }
  }
  const order = outT.map((_, i) => i).sort((x, y) => outT[x] - outT[y] || x - y);
  return {
    times: Float64Array.from(order, (i) => outT[i]),
    durations: durations ? Float64Array.from(order, (i) => outD[i]) : null,
  };
}
