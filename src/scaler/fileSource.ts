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
  private readonly times: Float64Array;
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
      // interval counts become that many arrivals at the interval's start
      const { stepS, ratesPerS } = trace.curve;
      const list: number[] = [];
      ratesPerS.forEach((r, i) => {
        const c = Math.round(r * stepS);
        for (let j = 0; j < c; j++) list.push(trace.t0S + i * stepS);
      });
      this.times = Float64Array.from(list);
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
    return Promise.resolve(binRequests(this.times, this.startS, this.endS, endS, n, stepS));
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
