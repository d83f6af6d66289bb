import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { SourceError } from './source.js';

export interface HttpOptions {
  bearerTokenFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify: boolean };
  /** Longest a request may take, seconds: connect + headers + the whole body (a deadline, not an idle timeout). */
  timeout: number;
  /** Largest body read, bytes; a longer one is cut off as `too_large` before it is parsed. */
  maxBytes?: number;
}

/** What one call may spend: a total time (ms) and a signal that ends it early (shutdown). */
export interface CallLimits {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** 16 MiB: two weeks of 15 s points of one series is ~2 MB of Prometheus JSON; 25 MB bodies killed a 128 MB heap. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * GET a URL and parse its JSON body, with a bearer token read from a file at each call (so
 * rotated tokens are picked up) and TLS options. One deadline covers connecting, the headers and
 * the whole body: a server that trickles a byte a second is cut off at the deadline, not held
 * while it stays busy. The body is capped at `maxBytes` (by its Content-Length, then as it
 * arrives). Failures become `SourceError`s by kind; every timer and listener is released when the
 * call settles, whichever way.
 */
export function getJson(url: URL, opts: HttpOptions, limits: CallLimits = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.bearerTokenFile) {
    try {
      headers.authorization = `Bearer ${readFileSync(opts.bearerTokenFile, 'utf8').trim()}`;
    } catch (e) {
      return Promise.reject(new SourceError('unreachable', `${url.host}: cannot read the bearer token file ${opts.bearerTokenFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`));
    }
  }
  const tls = opts.tls;
  const lib = url.protocol === 'https:' ? https : http;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = Math.max(1, Math.min(opts.timeout * 1000, limits.timeoutMs ?? Infinity));
  const signal = limits.signal;
  if (signal?.aborted) return Promise.reject(new SourceError('timeout', `${url.host}: cancelled before the request`));
  return new Promise((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | null = null;
    const finish = (err: Error | null, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        req?.destroy();
        reject(err);
      } else resolve(value);
    };
    const onAbort = () => finish(new SourceError('timeout', `${url.host}: cancelled (shutting down or out of time)`));
    const timer = setTimeout(() => finish(new SourceError('timeout', `${url.host}: no complete answer within ${+(timeoutMs / 1000).toFixed(3)} s`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    req = lib.request(
      url,
      {
        method: 'GET',
        headers,
        ...(url.protocol === 'https:' && tls
          ? {
              ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
              cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
              key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
              rejectUnauthorized: !tls.insecureSkipVerify,
            }
          : {}),
      },
      (res) => {
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) return finish(new SourceError('too_large', `${url.host}: the answer is ${declared} bytes, more than maxBytes (${maxBytes})`));
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > maxBytes) return finish(new SourceError('too_large', `${url.host}: the answer is more than maxBytes (${maxBytes} bytes)`));
          chunks.push(c);
        });
        res.on('error', (e) => finish(new SourceError('unreachable', `${url.host}: ${e.message}`)));
        res.on('aborted', () => finish(new SourceError('unreachable', `${url.host}: the connection closed mid-answer`)));
        res.on('end', () => {
          if (settled) return;
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8');
          chunks.length = 0;
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            const kind = status >= 400 ? 'http' : 'bad_response';
            return finish(new SourceError(kind, `${url.host}: HTTP ${status}: ${kind === 'http' ? body.slice(0, 200).trim() : 'the body is not JSON'}`));
          }
          if (status >= 400) {
            const msg = (json as { error?: string } | null)?.error ?? body.slice(0, 200);
            return finish(new SourceError(status === 400 || status === 422 ? 'query' : 'http', `${url.host}: HTTP ${status}: ${msg}`, retryAfterS(res.headers['retry-after'])));
          }
          // `null`, a number or a string is not an answer in any format we read: a broken server or proxy, worth a retry
          if (json === null || typeof json !== 'object') return finish(new SourceError('bad_response', `${url.host}: the body is JSON ${json === null ? 'null' : typeof json}, not an object or array`));
          finish(null, json);
        });
      },
    );
    req.on('error', (e) => finish(e instanceof SourceError ? e : new SourceError('unreachable', `${url.host}: ${(e as Error).message}`)));
    req.end();
  });
}

/** A Retry-After header as seconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterS(h: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, (t - nowMs) / 1000) : undefined;
}
