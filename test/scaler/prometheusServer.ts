import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';
export const MISSING = 'prometheus is not installed: apt-get install prometheus (.ci/run does this)';
export const available = () => existsSync(PROMETHEUS) && existsSync(PROMTOOL);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Gauge series as OpenMetrics text: name → (time s, value) samples, NaN written as NaN. */
export function openMetrics(series: Record<string, [number, number][]>): string {
  const lines: string[] = [];
  for (const [name, samples] of Object.entries(series)) {
    lines.push(`# HELP ${name} arrivals per 15 s interval (test data)`, `# TYPE ${name} gauge`);
    for (const [t, v] of samples) lines.push(`${name} ${Number.isNaN(v) ? 'NaN' : v} ${t}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/**
 * A real Prometheus server (Debian's package) on loopback, its TSDB made from OpenMetrics text
 * with `promtool tsdb create-blocks-from openmetrics`. The lookback is 10 s, so a missing sample
 * is a missing point (not the previous sample for five minutes).
 */
export class PrometheusServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'tidecast-prom-'));
  private proc: ChildProcess | null = null;
  port = 0;

  /** `om`: history to backfill ('' for none); `config`: prometheus.yml (scrape jobs for live data). */
  constructor(om: string, config = 'global:\n  scrape_interval: 1h\n') {
    writeFileSync(join(this.dir, 'prometheus.yml'), config);
    if (om === '') return;
    writeFileSync(join(this.dir, 'data.om'), om);
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(this.dir, 'data.om'), join(this.dir, 'tsdb')], { stdio: 'pipe' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server; a no-op while it runs (a second process could not bind the port, and the first would be orphaned). */
  async start(): Promise<void> {
    if (this.proc && this.proc.exitCode === null) return;
    if (!this.port) this.port = await freePort();
    this.proc = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'tsdb')}`,
        '--storage.tsdb.retention.time=3650d',
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--query.lookback-delta=10s',
        '--web.enable-lifecycle',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`${this.url}/-/ready`);
        if (r.ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('prometheus did not become ready within 30 s');
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    this.proc = null;
  }
}

/** A loopback HTTP proxy in front of a server that can answer errors or answer slowly. */
export class FaultProxy {
  mode: 'pass' | 'error' | 'slow' = 'pass';
  slowMs = 3000;
  private server: import('node:http').Server | null = null;
  port = 0;

  constructor(private readonly target: () => string) {}

  async start(): Promise<void> {
    const http = await import('node:http');
    this.server = http.createServer(async (req, res) => {
      if (this.mode === 'error') {
        res.writeHead(503, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'injected fault' }));
      }
      if (this.mode === 'slow') await new Promise((r) => setTimeout(r, this.slowMs));
      try {
        const r = await fetch(this.target() + req.url);
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      } catch {
        res.destroy();
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as import('node:net').AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }
}
