import { getJson, type HttpOptions } from './httpGet.js';
import { samplesToGrid, SourceError, type ArrivalSource } from './source.js';

/** Prometheus refuses range queries of more than 11,000 points per series. */
const MAX_POINTS = 11000;

/**
 * Arrival history from the Prometheus HTTP API (`/api/v1/query_range`, step = the decision
 * interval). Values arrive as strings ("NaN", "+Inf" included); a `rate(...)` query's values are
 * multiplied by the step to give arrivals per interval. Long ranges are read in chunks under
 * Prometheus's 11,000-point limit; several series are summed.
 */
export class PrometheusSource implements ArrivalSource {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly query: string,
    private readonly valueIs: 'rate' | 'count',
    private readonly http: HttpOptions,
  ) {
    this.name = `prometheus ${new URL(url).host}`;
  }

  async read(endS: number, n: number, stepS: number): Promise<Float64Array> {
    const out = new Float64Array(n).fill(NaN);
    const scale = this.valueIs === 'rate' ? stepS : 1;
    for (let done = 0; done < n; done += MAX_POINTS) {
      const m = Math.min(MAX_POINTS, n - done);
      const chunkEnd = endS - (n - done - m) * stepS;
      const series = await this.range(chunkEnd - (m - 1) * stepS, chunkEnd, stepS);
      out.set(samplesToGrid(series, chunkEnd, m, stepS, scale), done);
    }
    return out;
  }

  private async range(startS: number, endS: number, stepS: number): Promise<[number, number][][]> {
    const u = new URL('api/v1/query_range', this.url.endsWith('/') ? this.url : this.url + '/');
    u.searchParams.set('query', this.query);
    u.searchParams.set('start', String(startS));
    u.searchParams.set('end', String(endS));
    u.searchParams.set('step', String(stepS));
    const body = (await getJson(u, this.http)) as {
      status?: string;
      error?: string;
      data?: { resultType?: string; result?: { values?: [number, string][] }[] };
    };
    if (body?.status !== 'success') throw new SourceError('query', `${u.host}: ${body?.error ?? 'status is not success'}`);
    const data = body.data;
    if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new SourceError('bad_response', `${u.host}: expected a matrix result, got ${data?.resultType ?? 'nothing'}`);
    }
    return data.result.map((r) => (r.values ?? []).map(([t, v]) => [Number(t), Number(v)] as [number, number]));
  }
}
