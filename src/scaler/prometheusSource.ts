import { getJson, type HttpOptions } from './httpGet.js';
import { samplesToGrid, SourceError, type ArrivalSource, type ReadLimits } from './source.js';

/** Prometheus refuses range queries of more than 11,000 points per series. */
const MAX_POINTS = 11000;

/** 10 series: the query is meant to return one (a `sum`); a `by (…)` left in by mistake can return hundreds. */
export const DEFAULT_MAX_SERIES = 10;

export interface PrometheusOptions extends HttpOptions {
  /** Most series one query may return (`too_large` beyond). */
  maxSeries?: number;
  /** An instant query giving the newest raw sample's time (epoch s), e.g. `max(timestamp(agent_sandbox_claim_creation_total))`. */
  freshnessQuery?: string;
}

type PromBody = { status?: unknown; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } };

/**
 * Arrival history from the Prometheus HTTP API (`/api/v1/query_range`, step = the decision
 * interval). Values arrive as strings ("NaN", "+Inf" included); a `rate(...)` query's values are
 * multiplied by the step to give arrivals per interval. Long ranges are read in chunks under
 * Prometheus's 11,000-point limit; several series are summed, up to `maxSeries`. All chunks of
 * one read share its deadline.
 */
export class PrometheusSource implements ArrivalSource {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly query: string,
    private readonly valueIs: 'rate' | 'count',
    private readonly http: PrometheusOptions,
    private readonly wallMs: () => number = () => performance.now(),
  ) {
    this.name = `prometheus ${new URL(url).host}`;
  }

  async read(endS: number, n: number, stepS: number, limits: ReadLimits = {}): Promise<Float64Array> {
    const out = new Float64Array(n).fill(NaN);
    const scale = this.valueIs === 'rate' ? stepS : 1;
    const until = this.wallMs() + (limits.timeoutMs ?? Infinity);
    for (let done = 0; done < n; done += MAX_POINTS) {
      const m = Math.min(MAX_POINTS, n - done);
      const chunkEnd = endS - (n - done - m) * stepS;
      const series = await this.range(chunkEnd - (m - 1) * stepS, chunkEnd, stepS, { signal: limits.signal, timeoutMs: until - this.wallMs() });
      out.set(samplesToGrid(series, chunkEnd, m, stepS, scale), done);
    }
    return out;
  }

  /** Seconds from the newest raw sample (by `freshnessQuery`) to `nowS`; +Inf when the query finds none. */
  async freshness(nowS: number, limits: ReadLimits = {}): Promise<number> {
    if (!this.http.freshnessQuery) return 0;
    const u = this.api('query');
    u.searchParams.set('query', this.http.freshnessQuery);
    u.searchParams.set('time', String(nowS));
    const data = await this.call(u, limits);
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) throw new SourceError('bad_response', `${u.host}: freshness query: expected a vector result, got ${data.resultType ?? 'nothing'}`);
    let newest = -Infinity;
    for (const r of data.result as { value?: [number, string] }[]) {
      const v = Number(r?.value?.[1]);
      if (Number.isFinite(v) && v > newest) newest = v;
    }
    return newest === -Infinity ? Infinity : Math.max(0, nowS - newest);
  }

  async scalar(query: string, nowS: number, limits: ReadLimits = {}): Promise<number> {
    const u = this.api('query');
    u.searchParams.set('query', query);
    u.searchParams.set('time', String(nowS));
    const data = await this.call(u, limits);
    if (data.resultType === 'scalar' && Array.isArray(data.result)) return promValue(data.result[1]);
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) throw new SourceError('bad_response', `${u.host}: expected a scalar or vector result, got ${data.resultType ?? 'nothing'}`);
    const r = data.result as { value?: [number, string] }[];
    return r.length === 1 ? promValue(r[0]?.value?.[1]) : NaN;
  }

  private api(path: string): URL {
    return new URL(`api/v1/${path}`, this.url.endsWith('/') ? this.url : this.url + '/');
  }

  private async call(u: URL, limits: ReadLimits): Promise<{ resultType?: string; result?: unknown }> {
    const body = (await getJson(u, this.http, limits)) as PromBody;
    // anything that is not Prometheus's envelope is a broken answer (retried), not a bad query
    if (Array.isArray(body) || (body.status !== 'success' && body.status !== 'error')) throw new SourceError('bad_response', `${u.host}: not a Prometheus API answer (no "status")`);
    if (body.status !== 'success') throw new SourceError(body.errorType === 'bad_data' ? 'query' : 'http', `${u.host}: ${body.errorType ?? 'error'}: ${body.error ?? 'status is not success'}`);
    return body.data ?? {};
  }

  private async range(startS: number, endS: number, stepS: number, limits: ReadLimits): Promise<[number, number][][]> {
    const u = this.api('query_range');
    u.searchParams.set('query', this.query);
    u.searchParams.set('start', String(startS));
    u.searchParams.set('end', String(endS));
    u.searchParams.set('step', String(stepS));
    const data = await this.call(u, limits);
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new SourceError('bad_response', `${u.host}: expected a matrix result, got ${data.resultType ?? 'nothing'}`);
    }
    const max = this.http.maxSeries ?? DEFAULT_MAX_SERIES;
    if (data.result.length > max) throw new SourceError('too_large', `${u.host}: the query returned ${data.result.length} series, more than maxSeries (${max}); sum them in the query`);
    return (data.result as { values?: unknown }[]).map((r) =>
      (Array.isArray(r?.values) ? r.values : []).map((p) => (Array.isArray(p) ? ([Number(p[0]), promValue(p[1])] as [number, number]) : ([NaN, NaN] as [number, number]))),
    );
  }
}

/** A sample value as Prometheus writes it: a decimal string, or "NaN", "+Inf", "-Inf" (which `Number` reads as NaN). */
export function promValue(v: unknown): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}
