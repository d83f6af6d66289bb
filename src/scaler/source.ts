/**
 * Where the live scaler reads arrival history. One interface for Prometheus, a trace file and an
 * HTTP JSON endpoint: arrivals per interval on a regular grid, NaN where a point is missing.
 */
export interface ArrivalSource {
  /** For logs and `/targets`. */
  readonly name: string;
  /**
   * Arrivals in each of the `n` intervals of `stepS` seconds ending at `endS`: element i covers
   * [endS − (n − i)·stepS, endS − (n − 1 − i)·stepS). NaN where the source has no value.
   * Rejects with a `SourceError` when the source cannot answer. `limits` bound the whole read
   * (all its requests): its time (ms) and a signal that ends it at once (shutdown).
   */
  read(endS: number, n: number, stepS: number, limits?: ReadLimits): Promise<Float64Array>;
  /**
   * Seconds since the newest raw sample behind the data (a scrape's last write), when the source
   * can tell; a `rate()` over a dead scrape keeps answering for its window, this does not.
   */
  freshness?(nowS: number, limits?: ReadLimits): Promise<number>;
  /** One number from an instant query at `nowS` (NaN when it has none); Prometheus only. */
  scalar?(query: string, nowS: number, limits?: ReadLimits): Promise<number>;
}

/** What one read may spend: wall milliseconds and a cancelling signal. */
export interface ReadLimits {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Why a read failed, as counted in `/metrics` (`tidecast_scaler_errors_total{kind}`). */
export type SourceErrorKind = 'unreachable' | 'timeout' | 'http' | 'bad_response' | 'query' | 'too_large' | 'dead_scrape';

export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    /** The server's Retry-After, seconds, when it sent one. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * Counts request times (seconds, sorted) into the `n` intervals of `stepS` ending at `endS`,
 * half-open [a, b) as `ArrivalSource.read` defines. Intervals before the first time or after
 * `lastS` (the end of what the data covers) are NaN: no data, not zero arrivals.
 */
export function binRequests(timesS: ArrayLike<number>, firstS: number, lastS: number, endS: number, n: number, stepS: number): Float64Array {
  const out = new Float64Array(n);
  const startS = endS - n * stepS;
  let lo = lowerBound(timesS, startS);
  for (let i = 0; i < n; i++) {
    const a = startS + i * stepS;
    const b = a + stepS;
    if (b <= firstS || a >= lastS) {
      out[i] = NaN;
      lo = lowerBound(timesS, b);
      continue;
    }
    const hi = lowerBound(timesS, b);
    out[i] = hi - lo;
    lo = hi;
  }
  return out;
}

function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Puts (time, value) samples onto the grid of `read`: a sample at time t is the value of the
 * interval ending at t (Prometheus evaluates a range query at the end of each step). Samples off
 * the grid are ignored; several series are summed; "NaN" strings stay NaN.
 */
export function samplesToGrid(series: readonly (readonly [number, number])[][], endS: number, n: number, stepS: number, scale: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (const s of series) {
    for (const [t, v] of s) {
      const k = (t - (endS - n * stepS)) / stepS - 1;
      const i = Math.round(k);
      if (i < 0 || i >= n || Math.abs(k - i) > 1e-6) continue;
      const x = v * scale;
      out[i] = Number.isNaN(out[i]) ? x : out[i] + x;
    }
  }
  return out;
}
