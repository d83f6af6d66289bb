import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseListen } from './listen.js';
import type { ScalerMetrics } from './metrics.js';
import type { Decision } from './scaler.js';
import type { BearerToken, ServerTls } from './serverSecurity.js';
import type { Sink } from './sink.js';

/** HTTPS and a bearer token for `/targets` and `/metrics`; both optional. */
export interface HttpSecurity {
  tls?: ServerTls;
  token?: BearerToken;
}

/** The paths a kubelet probe reads: open even with a token (they tell only whether the loop is alive and has decided). */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/**
 * `GET /targets` (the last decision: target, forecast quantiles, inputs' freshness, decision
 * time), `/healthz` (the decision loop is alive: a decision within three intervals), `/readyz`
 * (a target has been decided from usable data) and `/metrics` (Prometheus text). Over HTTPS
 * when given a certificate; with a bearer token, `/targets` and `/metrics` answer 401 without it.
 */
export class HttpSink implements Sink {
  readonly name = 'http';
  private server: http.Server | https.Server;
  private last: Decision | null = null;
  private lastWallMs = NaN;
  private everGood = false;

  constructor(
    private readonly intervalS: number,
    private readonly metrics: ScalerMetrics | null,
    private readonly wallMs: () => number = () => Date.now(),
    private readonly security: HttpSecurity = {},
  ) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = security.tls ? https.createServer({ cert: security.tls.cert, key: security.tls.key }, handler) : http.createServer(handler);
  }

  /** Starts listening; resolves to the bound port. */
  listen(addr: string): Promise<number> {
    const { host, port } = parseListen(addr);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  async publish(d: Decision): Promise<void> {
    this.last = d;
    this.lastWallMs = this.wallMs();
    if (d.inputs.status === 'ok') this.everGood = true;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    if (this.security.token && !OPEN_PATHS.has(path) && !this.security.token.allows(req.headers.authorization)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'cache-control': 'no-store', 'www-authenticate': 'Bearer' });
      return void res.end('unauthorized: send Authorization: Bearer <token>\n');
    }
    if (path === '/targets') {
      if (!this.last) return send(res, 503, 'application/json', JSON.stringify({ error: 'no decision yet' }) + '\n');
      const ageS = (this.wallMs() - this.lastWallMs) / 1000;
      return send(res, 200, 'application/json', JSON.stringify({ ...this.last, lastDecisionAgeS: ageS }) + '\n');
    }
    if (path === '/healthz') {
      const alive = !this.last || this.wallMs() - this.lastWallMs <= 3 * this.intervalS * 1000;
      return send(res, alive ? 200 : 503, 'text/plain', alive ? 'ok\n' : 'the decision loop has not run for three intervals\n');
    }
    if (path === '/readyz') {
      return send(res, this.everGood ? 200 : 503, 'text/plain', this.everGood ? 'ok\n' : 'no target decided from usable data yet\n');
    }
    if (path === '/metrics' && this.metrics) {
      return send(res, 200, this.metrics.contentType, await this.metrics.text());
    }
    send(res, 404, 'text/plain', 'not found: try /targets, /healthz, /readyz' + (this.metrics ? ', /metrics' : '') + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
