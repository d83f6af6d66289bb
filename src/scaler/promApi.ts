import { getJson, type HttpOptions } from './httpGet.js';
import { SourceError, type ReadLimits } from './source.js';

/** Prometheus refuses range queries of more than 11,000 points per series. */
export const MAX_POINTS = 11000;

/** One series of a `query_range` answer: its labels and its [time s, value] points. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, number][];
}

type PromBody = { status?: unknown; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } };

/**
 * The Prometheus HTTP API's envelope, read once for the scaler and for calibrate: `GET` with the
 * scaler's HTTP client (deadline, size cap, token, TLS), then `data` of a `success`. Anything that
 * is not the envelope is `bad_response` (a broken answer, retried); an `error` is `query` when
 * Prometheus calls it `bad_data` (the query is wrong), else `http`.
 */
export async function promData(u: URL, http: HttpOptions, limits: ReadLimits): Promise<{ resultType?: string; result?: unknown }> {
  const body = (await getJson(u, http, limits)) as PromBody;
  if (Array.isArray(body) || (body.status !== 'success' && body.status !== 'error')) throw new SourceError('bad_response', `${u.host}: not a Prometheus API answer (no "status")`);
  if (body.status !== 'success') throw new SourceError(body.errorType === 'bad_data' ? 'query' : 'http', `${u.host}: ${body.errorType ?? 'error'}: ${body.error ?? 'status is not success'}`);
  return body.data ?? {};
}

/** `api/v1/<path>` below a Prometheus base URL (with or without its trailing slash). */
export function promUrl(base: string, path: string, params: Record<string, string | number>): URL {
  const u = new URL(`api/v1/${path}`, base.endsWith('/') ? base : base + '/');
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return u;
}

/** A `query_range` answer's series, at most `maxSeries` of them (`too_large` beyond). Malformed points read as NaN. */
export async function promRange(u: URL, http: HttpOptions, limits: ReadLimits, maxSeries: number): Promise<PromSeries[]> {
  const data = await promData(u, http, limits);
  if (data.resultType !== 'matrix' || !Array.isArray(data.result)) throw new SourceError('bad_response', `${u.host}: expected a matrix result, got ${data.resultType ?? 'nothing'}`);
  if (data.result.length > maxSeries) throw new SourceError('too_large', `${u.host}: the query returned ${data.result.length} series, more than ${maxSeries}; sum them in the query`);
  return (data.result as { metric?: Record<string, string>; values?: unknown }[]).map((r) => ({
    metric: r?.metric ?? {},
    values: (Array.isArray(r?.values) ? r.values : []).map((p) => (Array.isArray(p) ? ([Number(p[0]), promValue(p[1])] as [number, number]) : ([NaN, NaN] as [number, number]))),
  }));
}

/** An instant query's answer at `timeS`: a scalar's value, or each vector element's value. */
export async function promInstant(base: string, query: string, timeS: number, http: HttpOptions, limits: ReadLimits): Promise<{ scalar: boolean; values: number[]; host: string }> {
  const u = promUrl(base, 'query', { query, time: timeS });
  const data = await promData(u, http, limits);
  if (data.resultType === 'scalar' && Array.isArray(data.result)) return { scalar: true, values: [promValue(data.result[1])], host: u.host };
  if (data.resultType !== 'vector' || !Array.isArray(data.result)) throw new SourceError('bad_response', `${u.host}: expected a scalar or vector result, got ${data.resultType ?? 'nothing'}`);
  return { scalar: false, values: (data.result as { value?: [number, string] }[]).map((r) => promValue(r?.value?.[1])), host: u.host };
}

/** A sample value as Prometheus writes it: a decimal string, or "NaN", "+Inf", "-Inf" (which `Number` reads as NaN). */
export function promValue(v: unknown): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}
