import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { UserError } from '../errors.js';

/**
 * The servers' own security (the HTTP and gRPC sinks): certificates read at start (so a bad file
 * is a one-line error naming the key, exit 2, not a failure at the first request), and the HTTP
 * bearer token compared in constant time.
 */

/** PEM material for a TLS server; `ca` verifies client certificates (mutual TLS). */
export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requireClientCert: boolean;
}

/** The config keys of a server's `tls` (see config.ts). */
export interface ServerTlsConfig {
  certFile: string;
  keyFile: string;
  caFile?: string;
  requireClientCert?: boolean;
}

function readKey(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${key}: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)})`);
  }
}

/** Reads and checks a server's certificate, key and client CA; `at` is the config path ("sinks.keda.tls"). */
export function readServerTls(c: ServerTlsConfig, at: string): ServerTls {
  const t: ServerTls = { cert: readKey(c.certFile, `${at}.certFile`), key: readKey(c.keyFile, `${at}.keyFile`), requireClientCert: c.requireClientCert ?? false };
  if (c.caFile) t.ca = readKey(c.caFile, `${at}.caFile`);
  try {
    // the same check Node's TLS server makes at start: PEM syntax, and that the key matches the certificate
    createSecureContext({ cert: t.cert, key: t.key, ca: t.ca });
  } catch (e) {
    throw new UserError(`${at}: expected a PEM certificate (certFile ${c.certFile}), its private key (keyFile ${c.keyFile})${c.caFile ? ` and a PEM CA (caFile ${c.caFile})` : ''}, got ${(e as Error).message.split('\n')[0]}`);
  }
  return t;
}

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();

/**
 * `Authorization: Bearer <token>` against a token file. The file is re-read when its mtime
 * changes (a rotated Kubernetes Secret swaps a symlink), one `stat` per request otherwise. The
 * comparison hashes both sides to 32 bytes and uses `timingSafeEqual`, so neither the token's
 * content nor its length leaks through response time.
 */
export class BearerToken {
  private token: Buffer;
  private mtimeMs: number;

  constructor(
    private readonly file: string,
    private readonly at: string,
  ) {
    this.mtimeMs = this.stat();
    this.token = this.read();
  }

  private stat(): number {
    try {
      return statSync(this.file).mtimeMs;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`${this.at}: cannot read ${this.file} (${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)})`);
    }
  }

  private read(): Buffer {
    const t = readKey(this.file, this.at).toString('utf8').trim();
    if (t === '') throw new UserError(`${this.at}: expected a token in ${this.file}, got an empty file`);
    return digest(t);
  }

  /** True when the header carries the token. A token file that became unreadable denies (fail closed). */
  allows(authorization: string | undefined): boolean {
    try {
      const m = this.stat();
      if (m !== this.mtimeMs) {
        this.token = this.read();
        this.mtimeMs = m;
      }
    } catch {
      return false;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    return timingSafeEqual(digest(match[1]), this.token);
  }
}

/** The HTTP sink's TLS and token and the KEDA sink's TLS from a scaler config, read and checked. */
export function readSinkSecurity(c: {
  sinks: { http?: { tls?: ServerTlsConfig; bearerTokenFile?: string }; keda?: { tls?: ServerTlsConfig } };
}): { httpSecurity: { tls?: ServerTls; token?: BearerToken }; kedaTls?: ServerTls } {
  const h = c.sinks.http;
  return {
    httpSecurity: {
      tls: h?.tls ? readServerTls(h.tls, 'sinks.http.tls') : undefined,
      token: h?.bearerTokenFile ? new BearerToken(h.bearerTokenFile, 'sinks.http.bearerTokenFile') : undefined,
    },
    kedaTls: c.sinks.keda?.tls ? readServerTls(c.sinks.keda.tls, 'sinks.keda.tls') : undefined,
  };
}
