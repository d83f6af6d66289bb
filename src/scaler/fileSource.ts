import { parseTrace, readTrace, traceSpec, type TraceData } from '../workload/trace.js';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { jsonSamples } from './httpSource.js';
import { binRequests, samplesToGrid, SourceError, type ArrivalSource } from './source.js';

/**
 * Arrivals from a trace file (per request, or per interval with a count or rate column), for
 * replay: times are the trace's own (absolute for date-times), so a simulated clock that starts
 * at `startS` reads what the simulator replaying the same file saw.
 */
export class FileSource implements ArrivalSource {
  readonly name: string;
  /** Per-request traces: arrival times (absolute s). */
  private readonly times: Float64Array | null = null;
  /** Interval traces: cumulative counts (cum[i] = arrivals in the first i intervals), never one element per arrival. */
  private readonly cum: Float64Array | null = null;
  private readonly stepS: number = 0;
  /** First and last times the data covers (absolute seconds). */
  readonly startS: number;
  readonly endS: number;

  constructor(trace: TraceData) {
    this.name = `file ${trace.file}`;
    this.startS = trace.t0S;
    this.endS = trace.t0S + trace.spanS;
    if (trace.kind === 'requests') {
      this.times = trace.timesS.map((t) => t + trace.t0S);
    } else {
      // an interval's count is that many arrivals at the interval's start (as the simulator
      // replays it), kept as counts: two weeks of 1-minute counts are 20,160 numbers, where one
      // element per arrival was 169 million (2.4 GB, then a fatal allocation error)
      const { stepS, ratesPerS } = trace.curve;
      this.stepS = stepS;
      const cum = new Float64Array(ratesPerS.length + 1);
      for (let i = 0; i < ratesPerS.length; i++) cum[i + 1] = cum[i] + Math.round(ratesPerS[i] * stepS);
      this.cum = cum;
    }
  }

  static open(path: string, timeColumn?: string): ArrivalSource & { startS: number; endS: number } {
    if (path.toLowerCase().endsWith('.json')) return JsonFileSource.open(path);
    return new FileSource(readTrace(traceSpec(path, { timeColumn }), undefined, 'source.file'));
  }

  static fromText(text: string, file = '<trace>'): FileSource {
    return new FileSource(parseTrace(traceSpec(file), { file, text }));
  }

  read(endS: number, n: number, stepS: number): Promise<Float64Array> {
    if (this.times) return Promise.resolve(binRequests(this.times, this.startS, this.endS, endS, n, stepS));
    const cum = this.cum!;
    const out = new Float64Array(n);
    const startS = endS - n * stepS;
    let lo = this.firstAtOrAfter(startS);
    for (let i = 0; i < n; i++) {
      const a = startS + i * stepS;
      const b = a + stepS;
      const hi = this.firstAtOrAfter(b);
      out[i] = b <= this.startS || a >= this.endS ? NaN : cum[hi] - cum[lo];
      lo = hi;
    }
    return Promise.resolve(out);
  }

  /** The first trace interval whose start (t0 + i·step, computed as the arrivals' times were) is ≥ x. */
  private firstAtOrAfter(x: number): number {
    const m = this.cum!.length - 1;
    let i = Math.min(m, Math.max(0, Math.ceil((x - this.startS) / this.stepS)));
    while (i > 0 && this.startS + (i - 1) * this.stepS >= x) i--;
    while (i < m && this.startS + i * this.stepS < x) i++;
    return i;
  }
}

/**
 * Arrivals per interval from a JSON file, in the HTTP source's formats (`{"start", "step",
 * "values"}` or `[[t, v], ...]`, counts per interval, a value at t ending at t), for replay.
 */
export class JsonFileSource implements ArrivalSource {
  readonly name: string;
  readonly startS: number;
  readonly endS: number;

  private constructor(
    file: string,
    private readonly samples: [number, number][],
  ) {
    this.name = `file ${file}`;
    const times = samples.map((p) => p[0]).filter(Number.isFinite);
    const step = times.length > 1 ? times[1] - times[0] : 0;
    this.startS = times.length ? times[0] - step : NaN;
    this.endS = times.length ? times[times.length - 1] : NaN;
  }

  static open(path: string): JsonFileSource {
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`source.file.path: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message.split('\n')[0]})`);
    }
    try {
      return new JsonFileSource(path, jsonSamples(body, 60, path));
    } catch (e) {
      if (e instanceof SourceError) throw new UserError(e.message);
      throw e;
    }
  }

  read(endS: number, n: number, stepS: number): Promise<Float64Array> {
    return Promise.resolve(samplesToGrid([this.samples], endS, n, stepS, 1));
  }
}
