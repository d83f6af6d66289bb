import { parseTrace, readTrace, traceSpec, type TraceData } from '../workload/trace.js';
import { binRequests, type ArrivalSource } from './source.js';

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

  static open(path: string, timeColumn?: string): FileSource {
    return new FileSource(readTrace(traceSpec(path, { timeColumn }), undefined, 'source.file'));
  }

  static fromText(text: string, file = '<trace>'): FileSource {
    return new FileSource(parseTrace(traceSpec(file), { file, text }));
  }

  read(endS: number, n: number, stepS: number): Promise<Float64Array> {
    return Promise.resolve(binRequests(this.times, this.startS, this.endS, endS, n, stepS));
  }
}
