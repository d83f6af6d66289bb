import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to the next requests. */
export type Fault =
  | 'pass'
  | 'hang' // accept, never answer
  | 'drip' // headers at once, then one byte a second
  | 'error5xx'
  | 'throttle' // 429 with Retry-After: 600
  | 'garbage' // 200, not JSON
  | 'partial' // 200, half of the real JSON, then the connection closes
  | 'null' // 200, the JSON literal null
  | 'reset' // the socket is destroyed before any answer
  | 'nonsense' // the real answer with its newest values NaN, +Inf and negative
  | 'huge' // the real answer with its newest value 1e15
  | 'hugeBody' // 200, a valid 25 MB matrix
  | 'manySeries'; // 200, 50 series of real-looking values

/**
 * A loopback HTTP proxy in front of Prometheus that injects one fault at a time into its
 * answers, as production networks and servers do. Counts the requests it saw; `close()` ends
 * every connection it holds (hanging and dripping ones included).
 */
export class ChaosProxy {
  fault: Fault = 'pass';
  requests = 0;
  private server: http.Server | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(private readonly target: () => string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.requests++;
    const f = this.fault;
    const json = (status: number, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...extra });
      res.end(body);
    };
    switch (f) {
      case 'hang':
        return;
      case 'reset':
        return void req.socket.destroy();
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const body = '{"status":"success","data":{"resultType":"matrix","result":[]}}';
        let i = 0;
        const t = setInterval(() => (i < body.length ? res.write(body[i++]) : (clearInterval(t), this.timers.delete(t), res.end())), 1000);
        this.timers.add(t);
        return;
      }
      case 'error5xx':
        return json(503, JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'injected fault' }));
      case 'throttle':
        return json(429, JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'slow down' }), { 'retry-after': '600' });
      case 'garbage':
        return void (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>proxy error</html>'));
      case 'null':
        return json(200, 'null');
      case 'hugeBody': {
        // one series of 1.5 million points: ~25 MB of valid Prometheus JSON, streamed as fast as it is read
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[');
        const chunk = Array.from({ length: 10000 }, (_, i) => `[${1e9 + i},"1"]`).join(',');
        for (let k = 0; k < 150 && !res.destroyed; k++) {
          if (!res.write((k ? ',' : '') + chunk))
            await new Promise<void>((r) => {
              // both listeners go when either fires (a 'close' left per chunk piled up: MaxListenersExceededWarning)
              const done = () => (res.off('drain', done), res.off('close', done), r());
              res.once('drain', done);
              res.once('close', done);
            });
        }
        return void res.end(']}]}}');
      }
      default:
    }
    let upstream: Response;
    try {
      upstream = await fetch(this.target() + req.url);
    } catch {
      return void res.destroy();
    }
    const text = await upstream.text();
    if (f === 'partial') return void (res.writeHead(200, { 'content-type': 'application/json' }), res.end(text.slice(0, Math.floor(text.length / 2))));
    if (f === 'pass' || !upstream.ok) return json(upstream.status, text);
    const body = JSON.parse(text) as { data?: { resultType?: string; result?: { metric: object; values: [number, string][] }[] } };
    const result = body.data?.resultType === 'matrix' ? body.data.result! : [];
    if (f === 'manySeries' && result[0]) body.data!.result = Array.from({ length: 50 }, (_, i) => ({ metric: { pod: `p${i}` }, values: result[0].values }));
    for (const s of result) {
      const v = s.values;
      if (f === 'huge' && v.length) v[v.length - 1][1] = '1e15';
      if (f === 'nonsense') ['NaN', '+Inf', '-5'].forEach((x, i) => v.length > i && (v[v.length - 1 - i][1] = x));
    }
    json(200, JSON.stringify(body));
  }

  close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    return new Promise((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }
}
