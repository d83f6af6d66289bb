import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KedaSink, loadKedaProto } from '../../src/scaler/kedaSink.js';
import type { Decision } from '../../src/scaler/scaler.js';

/** A real gRPC client generated from KEDA's externalscaler.proto, as KEDA's operator calls it. */
type Client = grpc.Client & Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: never) => void) => void> & {
  StreamIsActive(req: unknown): grpc.ClientReadableStream<{ result: boolean }>;
};

const decision = (target: number): Decision =>
  ({ nowS: 0, time: '', target, proposal: target, reason: 'policy', policy: 'forecast', forecast: null, inputs: { source: 'x', status: 'ok', stalenessS: 0, points: 1, missing: 0 }, durationMs: 0, decideMs: 0 }) as Decision;

let sink: KedaSink;
let client: Client;
const ref = { name: 'warm-pool', namespace: 'agents', scalerMetadata: { pool: 'python' } };
const call = <T>(m: string, req: unknown) => new Promise<T>((resolve, reject) => client[m](req, (e, r) => (e ? reject(e) : resolve(r as T))));

beforeAll(async () => {
  sink = new KedaSink('tidecast_warm_pool_target');
  const port = await sink.listen('127.0.0.1:0');
  const Ctor = loadKedaProto().ExternalScaler as unknown as new (addr: string, creds: grpc.ChannelCredentials) => Client;
  client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await sink?.close();
});

describe('KEDA external scaler over gRPC', () => {
  it('GetMetrics is UNAVAILABLE until a target is decided', async () => {
    await expect(call('GetMetrics', { scaledObjectRef: ref, metricName: 'tidecast_warm_pool_target' })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('GetMetricSpec: target size 1, so KEDA\'s AverageValue arithmetic (ceil(value / size)) gives the target', async () => {
    const spec = await call<{ metricSpecs: { metricName: string; targetSize: number; targetSizeFloat: number }[] }>('GetMetricSpec', ref);
    expect(spec.metricSpecs).toEqual([{ metricName: 'tidecast_warm_pool_target', targetSize: 1, targetSizeFloat: 1 }]);
  });

  it('GetMetrics returns the target (float and the deprecated integer); IsActive follows it; StreamIsActive pushes changes', async () => {
    const stream = client.StreamIsActive(ref);
    const seen: boolean[] = [];
    stream.on('data', (m: { result: boolean }) => seen.push(m.result));
    stream.on('error', () => {});
    await new Promise((r) => setTimeout(r, 100));
    await sink.publish(decision(437));
    const m = await call<{ metricValues: { metricName: string; metricValue: number; metricValueFloat: number }[] }>('GetMetrics', { scaledObjectRef: ref, metricName: 'tidecast_warm_pool_target' });
    expect(m.metricValues).toEqual([{ metricName: 'tidecast_warm_pool_target', metricValue: 437, metricValueFloat: 437 }]);
    expect(Math.ceil(m.metricValues[0].metricValueFloat / 1)).toBe(437);
    expect((await call<{ result: boolean }>('IsActive', ref)).result).toBe(true);
    await sink.publish(decision(0));
    expect((await call<{ result: boolean }>('IsActive', ref)).result).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([false, true, false]);
    stream.cancel();
  });
});
