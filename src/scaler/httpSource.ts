import { getJson, type HttpOptions } from './httpGet.js';
import { samplesToGrid, SourceError, type ArrivalSource, type ReadLimits } from './source.js';

/**
 * Arrival history from any HTTP endpoint: `GET url?start=&end=&step=` answering JSON, either
 * `{"start": s, "step": s, "values": [...]}` (values at start, start+step, …; null for missing)
 * or `[[t, v], ...]`. Times are in seconds; a value at t is the interval ending at t.
 */
export class HttpSource implements ArrivalSource {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly valueIs: 'rate' | 'count',
    private readonly http: HttpOptions,
  ) {
    this.name = `http ${new URL(url).host}`;
  }

  async read(endS: number, n: number, stepS: number, limits: ReadLimits = {}): Promise<Float64Array> {
    const u = new URL(this.url);
    u.searchParams.set('start', String(endS - (n - 1) * stepS));
    u.searchParams.set('end', String(endS));
    u.searchParams.set('step', String(stepS));
    const body = await getJson(u, this.http, limits);
    const scale = this.valueIs === 'rate' ? stepS : 1;
    const pairs = jsonSamples(body, stepS, u.host);
    return samplesToGrid([pairs], endS, n, stepS, scale);
  }
}

/**
 * Samples from JSON: `{"start": s, "step": s, "values": [...]}` (null for missing) or
 * `[[t, v], ...]`; times in seconds, a value at t being the interval ending at t.
 */
export function jsonSamples(body: unknown, defaultStepS: number, where: string): [number, number][] {
  if (Array.isArray(body)) {
    return body.map((p) => (Array.isArray(p) ? [Number(p[0]), p[1] === null ? NaN : Number(p[1])] : [NaN, NaN]));
  }
  if (body && typeof body === 'object' && Array.isArray((body as { values?: unknown }).values)) {
    const b = body as { start?: unknown; step?: unknown; values: unknown[] };
    const start = Number(b.start);
    const step = Number(b.step ?? defaultStepS);
    if (!Number.isFinite(start) || !(step > 0)) throw new SourceError('bad_response', `${where}: expected numeric "start" and "step" beside "values"`);
    return b.values.map((v, i) => [start + i * step, v === null ? NaN : Number(v)]);
  }
  throw new SourceError('bad_response', `${where}: expected {"start", "step", "values"} or [[t, v], ...]`);
}
