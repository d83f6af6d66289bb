import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { parseListen } from './listen.js';
import type { Decision } from './scaler.js';
import type { ServerTls } from './serverSecurity.js';
import type { Sink } from './sink.js';

/**
 * KEDA's proto, beside this module: in src/scaler (tests), in dist/scaler (the build copies it
 * there, src/build/copyAssets.ts), and from the bundle in dist/bin (whose URLs are rebased onto
 * dist/), so an installed package, which holds no src/, finds it.
 */
export const KEDA_PROTO = fileURLToPath(new URL('./externalscaler.proto', import.meta.url));

/** Loads KEDA's `externalscaler` package definition (for this server, and for clients in tests). */
export function loadKedaProto(): grpc.GrpcObject {
  const def = protoLoader.loadSync(KEDA_PROTO, { keepCase: true, longs: Number, defaults: true });
  return (grpc.loadPackageDefinition(def) as { externalscaler: grpc.GrpcObject }).externalscaler;
}

type Ref = { name: string; namespace: string; scalerMetadata: Record<string, string> };

/**
 * KEDA external scaler (`externalscaler.ExternalScaler` over gRPC). The target is the metric
 * value (`metricValueFloat`, and the deprecated integer `metricValue`) with a target size of 1
 * (`targetSizeFloat`), so the HPA's AverageValue arithmetic — replicas = ceil(value / size) —
 * gives the target whenever it applies a change: it keeps the replicas while the target is within
 * its tolerance (10% by default) of them (README: "The KEDA route and the HPA's tolerance"). `IsActive` is true while the target is above zero; `StreamIsActive` pushes
 * a change of that at once.
 */
export class KedaSink implements Sink {
  readonly name = 'keda';
  private readonly server = new grpc.Server();
  private target: number | null = null;
  private readonly streams = new Set<grpc.ServerWritableStream<Ref, { result: boolean }>>();

  constructor(
    private readonly metricName: string,
    private readonly tls?: ServerTls,
  ) {
    const svc = (loadKedaProto().ExternalScaler as unknown as { service: grpc.ServiceDefinition }).service;
    this.server.addService(svc, {
      IsActive: (_call: grpc.ServerUnaryCall<Ref, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { result: this.active() }),
      StreamIsActive: (call: grpc.ServerWritableStream<Ref, { result: boolean }>) => {
        this.streams.add(call);
        call.write({ result: this.active() });
        const drop = () => this.streams.delete(call);
        call.on('cancelled', drop);
        call.on('close', drop);
      },
      GetMetricSpec: (_call: grpc.ServerUnaryCall<Ref, unknown>, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { metricSpecs: [{ metricName: this.metricName, targetSize: 1, targetSizeFloat: 1 }] }),
      GetMetrics: (call: grpc.ServerUnaryCall<{ metricName: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        if (this.target === null) return cb({ code: grpc.status.UNAVAILABLE, details: 'no target decided yet' });
        cb(null, { metricValues: [{ metricName: call.request.metricName || this.metricName, metricValue: Math.round(this.target), metricValueFloat: this.target }] });
      },
    });
  }

  private active(): boolean {
    return (this.target ?? 0) > 0;
  }

  /**
   * Starts serving; resolves to the bound port. Plaintext without `tls`; with it, TLS, and with a
   * client CA and `requireClientCert` the handshake refuses a client without a certificate that
   * CA signed (KEDA's trigger sets `caCert`, `tlsClientCert`, `tlsClientKey`).
   */
  listen(addr: string): Promise<number> {
    const { host, port } = parseListen(addr);
    const h = host.includes(':') ? `[${host}]` : host;
    const t = this.tls;
    const creds = t ? grpc.ServerCredentials.createSsl(t.ca ?? null, [{ cert_chain: t.cert, private_key: t.key }], t.requireClientCert) : grpc.ServerCredentials.createInsecure();
    return new Promise((resolve, reject) => this.server.bindAsync(`${h}:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p))));
  }

  async publish(d: Decision): Promise<void> {
    const was = this.active();
    this.target = d.target;
    if (this.active() !== was) for (const s of this.streams) s.write({ result: this.active() });
  }

  close(): Promise<void> {
    for (const s of this.streams) s.end();
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
