import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How the stand-in answers. */
export type KubeFault = 'ok' | 'hang' | 'reset' | 'throttle';

/**
 * A loopback stand-in for the Kubernetes API serving one warm pool: GET of its status
 * subresource (spec.replicas, status.readyReplicas) and a merge PATCH of its scale subresource.
 * Plain HTTP (the kubeconfig skips TLS verification, which the client requires for http://);
 * `stop()` makes it refuse connections, `start()` brings it back on the same port.
 */
export class KubeStandIn {
  fault: KubeFault = 'ok';
  /** Which requests the fault hits: all, or only the PATCH (the status read answers). */
  faultOn: 'all' | 'PATCH' = 'all';
  replicas = 0;
  ready = 0;
  patches: number[] = [];
  gets = 0;
  /** Methods of every request received, answered or not. */
  seen: string[] = [];
  private server: http.Server | null = null;
  port = 0;
  readonly kubeconfig = join(mkdtempSync(join(tmpdir(), 'tidecast-kube-')), 'config');

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      this.seen.push(req.method!);
      req.on('end', () => {
        const fault = this.faultOn === 'all' || req.method === this.faultOn ? this.fault : 'ok';
        if (fault === 'hang') return;
        if (fault === 'reset') return void req.socket.destroy();
        if (fault === 'throttle') {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '600' });
          return void res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 429, reason: 'TooManyRequests' }));
        }
        if (req.method === 'PATCH') {
          const r = (JSON.parse(Buffer.concat(chunks).toString()) as { spec: { replicas: number } }).spec.replicas;
          this.patches.push(r);
          this.replicas = r;
        } else this.gets++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
            kind: 'SandboxWarmPool',
            metadata: { name: 'pool', namespace: 'agents' },
            spec: { replicas: this.replicas },
            status: { replicas: this.replicas, readyReplicas: this.ready },
          }),
        );
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    writeFileSync(
      this.kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:${this.port}", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n`,
    );
  }

  /** Stops listening (connections are refused) and drops held connections. */
  stop(): Promise<void> {
    return new Promise((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections();
      this.server.close(() => r());
      this.server = null;
    });
  }
}
