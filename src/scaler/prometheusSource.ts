import type { HttpOptions } from './httpGet.js';
import { MAX_POINTS, promInstant, promRange, promUrl } from './promApi.js';
import { samplesToGrid, SourceError, type ArrivalSource, type ReadLimits } from './source.js';

/** 10 series: the query is meant to return one (a `sum`); a `by (…)` left in by mistake can return hundreds. */
export const DEFAULT_MAX_SERIES = 10;

export interface PrometheusOptions extends HttpOptions {
  /** Most series one query may return (`too_large` beyond). */
  maxSeries?: number;
  /** An instant query giving the newest raw sample's time (epoch s), e.g. `max(timestamp(agent_sandbox_claim_creation_total))`. */
  freshnessQuery?: string;
}

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
    const r = await promInstant(this.url, this.http.freshnessQuery, nowS, this.http, limits);
    if (r.scalar) throw new SourceError('bad_response', `${r.host}: freshness query: expected a vector result, got scalar`);
    let newest = -Infinity;
    for (const v of r.values) if (Number.isFinite(v) && v > newest) newest = v;
    return newest === -Infinity ? Infinity : Math.max(0, nowS - newest);
  }

  async scalar(query: string, nowS: number, limits: ReadLimits = {}): Promise<number> {
    const r = await promInstant(this.url, query, nowS, this.http, limits);
    return r.values.length === 1 ? r.values[0] : NaN;
  }

  private async range(startS: number, endS: number, stepS: number, limits: ReadLimits): Promise<[number, number][][]> {
    const u = promUrl(this.url, 'query_range', { query: this.query, start: startS, end: endS, step: stepS });
    const series = await promRange(u, this.http, limits, this.http.maxSeries ?? DEFAULT_MAX_SERIES);
    return series.map((s) => s.values);
  }
}
