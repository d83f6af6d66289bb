import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { SourceError } from './source.js';

export interface HttpOptions {
  bearerTokenFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify: boolean };
  timeout: number;
}

/**
 * GET a URL and parse its JSON body, with a bearer token read from a file at each call (so
 * rotated tokens are picked up), TLS options and a timeout. Failures become `SourceError`s by kind.
 */
export function getJson(url: URL, opts: HttpOptions, signal?: AbortSignal): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.bearerTokenFile) headers.authorization = `Bearer ${readFileSync(opts.bearerTokenFile, 'utf8').trim()}`;
  const tls = opts.tls;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'GET',
        headers,
        timeout: opts.timeout * 1000,
        signal,
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
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new SourceError('unreachable', `${url.host}: ${e.message}`)));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            const kind = (res.statusCode ?? 0) >= 400 ? 'http' : 'bad_response';
            return reject(new SourceError(kind, `${url.host}: HTTP ${res.statusCode}: ${kind === 'http' ? body.slice(0, 200).trim() : 'the body is not JSON'}`));
          }
          if ((res.statusCode ?? 0) >= 400) {
            const msg = (json as { error?: string }).error ?? body.slice(0, 200);
            return reject(new SourceError(res.statusCode === 400 || res.statusCode === 422 ? 'query' : 'http', `${url.host}: HTTP ${res.statusCode}: ${msg}`));
          }
          resolve(json);
        });
      },
    );
    req.on('timeout', () => req.destroy(new SourceError('timeout', `${url.host}: no answer within ${opts.timeout} s`)));
    req.on('error', (e) => reject(e instanceof SourceError ? e : new SourceError('unreachable', `${url.host}: ${(e as Error).message}`)));
    req.end();
  });
}
