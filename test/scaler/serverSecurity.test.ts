import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseScalerConfig } from '../../src/scaler/config.js';
import { HttpSink } from '../../src/scaler/httpSink.js';
import { KedaSink, loadKedaProto } from '../../src/scaler/kedaSink.js';
import type { Decision } from '../../src/scaler/scaler.js';
import { readSinkSecurity } from '../../src/scaler/serverSecurity.js';

/**
 * Real HTTPS and gRPC-over-TLS clients on loopback against the scaler's servers, with a CA, a
 * server certificate and client certificates made by the `openssl` CLI for this run: the right
 * credentials get through, every wrong one is refused.
 */

const dir = mkdtempSync(join(tmpdir(), 'tidecast-tls-'));
const f = (name: string) => join(dir, name);
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeCa(name: string): void {
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
}
function makeCert(name: string, ca: string, san: string): void {
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\n`);
  ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
}

const decision = (target: number): Decision =>
  ({ nowS: 0, time: '', target, proposal: target, reason: 'policy', policy: 'forecast', forecast: null, inputs: { source: 'x', status: 'ok', stalenessS: 0, points: 1, missing: 0 }, durationMs: 0, decideMs: 0 }) as Decision;

beforeAll(() => {
  makeCa('ca');
  makeCa('rogue-ca');
  makeCert('server', 'ca', 'IP:127.0.0.1,DNS:localhost');
  makeCert('keda', 'ca', 'DNS:keda-operator');
  makeCert('intruder', 'rogue-ca', 'DNS:intruder');
  writeFileSync(f('token'), 's3cret-token-1\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config', () => {
  it('servers listen on loopback unless configured', () => {
    const c = parseScalerConfig('source: { file: { path: x.csv } }\nsinks: { http: {}, keda: {} }\n');
    expect(c.sinks.http?.listen).toBe('127.0.0.1:8080');
    expect(c.sinks.keda?.listen).toBe('127.0.0.1:9100');
  });

  it.each([
    ['sinks: { keda: { tls: { certFile: a, keyFile: b, requireClientCert: true } } }', /x\.yaml:2: sinks\.keda\.tls\.requireClientCert: expected caFile as well/],
    ['sinks: { keda: { tls: { certFile: a, keyFile: b, caFile: c } } }', /x\.yaml:2: sinks\.keda\.tls\.caFile: verifies client certificates only when requireClientCert is true/],
    ['sinks: { http: { tls: { certFile: a } } }', /x\.yaml:2: sinks\.http\.tls\.keyFile: missing/],
    ['sinks: { http: { tls: { certFile: a, keyFile: b, caFile: c } } }', /sinks\.http\.tls\.caFile: unknown key/],
  ])('a bad tls block is one line naming the key (%s)', (sinks, message) => {
    expect(() => parseScalerConfig(`source: { file: { path: x.csv } }\n${sinks}\n`, 'x.yaml')).toThrow(message);
  });

  it('unreadable or mismatched certificate files are one-line errors naming the key', () => {
    const read = (sinks: string) => () => readSinkSecurity(parseScalerConfig(`source: { file: { path: x.csv } }\nsinks: ${sinks}\n`));
    expect(read(`{ http: { tls: { certFile: ${f('nope.crt')}, keyFile: ${f('server.key')} } } }`)).toThrow(new UserError(`sinks.http.tls.certFile: cannot read ${f('nope.crt')} (no such file)`));
    expect(read(`{ keda: { tls: { certFile: ${f('server.crt')}, keyFile: ${f('keda.key')} } } }`)).toThrow(/^sinks\.keda\.tls: expected a PEM certificate .*, got .*key values mismatch/);
    expect(read(`{ keda: { tls: { certFile: ${f('token')}, keyFile: ${f('server.key')} } } }`)).toThrow(/^sinks\.keda\.tls: expected a PEM certificate/);
    expect(read(`{ http: { bearerTokenFile: ${f('none')} } }`)).toThrow(new UserError(`sinks.http.bearerTokenFile: cannot read ${f('none')} (no such file)`));
  });

  it('the CLI exits 2 with one line when a certificate is missing', () => {
    const cfg = f('cli.yaml');
    writeFileSync(cfg, `source: { file: { path: traces/azure-llm-2023-code.csv } }\nsinks: { http: { listen: "127.0.0.1:0", tls: { certFile: ${f('missing.crt')}, keyFile: ${f('server.key')} } } }\n`);
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'scaler', '--config', cfg, '--once'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`tidecast: sinks.http.tls.certFile: cannot read ${f('missing.crt')} (no such file)`);
  });
});

type Reply = { status: number; body: string };
function get(port: number, path: string, o: { token?: string; ca?: boolean; plain?: boolean } = {}): Promise<Reply> {
  const headers = o.token ? { authorization: `Bearer ${o.token}` } : {};
  return new Promise((resolve, reject) => {
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    };
    const req = o.plain
      ? http.get({ host: '127.0.0.1', port, path, headers, timeout: 5000 }, done)
      : https.get({ host: '127.0.0.1', port, path, headers, timeout: 5000, ca: o.ca === false ? undefined : readFileSync(f('ca.crt')), agent: false }, done);
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

describe('HTTP sink over TLS with a bearer token', () => {
  let sink: HttpSink;
  let port: number;
  beforeAll(async () => {
    const c = parseScalerConfig(`source: { file: { path: x.csv } }\nsinks: { http: { listen: "127.0.0.1:0", tls: { certFile: ${f('server.crt')}, keyFile: ${f('server.key')} }, bearerTokenFile: ${f('token')} } }\n`);
    sink = new HttpSink(15, null, undefined, readSinkSecurity(c).httpSecurity);
    port = await sink.listen(c.sinks.http!.listen);
    await sink.publish(decision(321));
  });
  afterAll(() => sink?.close());

  it('serves /targets to a client that trusts the CA and sends the token', async () => {
    const r = await get(port, '/targets', { token: 's3cret-token-1' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).target).toBe(321);
  });

  it('answers 401 on /targets and /metrics without the token or with a wrong one', async () => {
    expect((await get(port, '/targets')).status).toBe(401);
    expect((await get(port, '/targets', { token: 's3cret-token-2' })).status).toBe(401);
    expect((await get(port, '/targets', { token: 's3cret' })).status).toBe(401);
    expect((await get(port, '/metrics')).status).toBe(401);
  });

  it('keeps /healthz and /readyz open for kubelet probes', async () => {
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
  });

  it('refuses a client that does not trust its certificate, and plaintext HTTP', async () => {
    await expect(get(port, '/healthz', { ca: false })).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/) });
    const plain = await get(port, '/healthz', { plain: true }).catch((e: Error) => ({ status: 0, body: e.message }));
    expect(plain.status).not.toBe(200);
  });

  it('picks up a rotated token (the file changed) and refuses the old one', async () => {
    writeFileSync(f('token'), 'rotated-token\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(f('token'), later, later);
    expect((await get(port, '/targets', { token: 's3cret-token-1' })).status).toBe(401);
    expect((await get(port, '/targets', { token: 'rotated-token' })).status).toBe(200);
  });
});

type Client = grpc.Client & Record<string, (req: unknown, md: grpc.Metadata, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: never) => void) => void>;
const Ctor = () => loadKedaProto().ExternalScaler as unknown as new (addr: string, creds: grpc.ChannelCredentials, o?: grpc.ClientOptions) => Client;
const ref = { name: 'python-pool', namespace: 'agents', scalerMetadata: {} };

async function spec(port: number, creds: grpc.ChannelCredentials): Promise<unknown> {
  const client = new (Ctor())(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' });
  try {
    return await new Promise((resolve, reject) => client.GetMetricSpec(ref, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (e, r) => (e ? reject(e) : resolve(r))));
  } finally {
    client.close();
  }
}

describe('KEDA gRPC sink over TLS with client certificates', () => {
  const ca = () => readFileSync(f('ca.crt'));
  const pair = (n: string) => [readFileSync(f(`${n}.key`)), readFileSync(f(`${n}.crt`))] as const;
  let mtls: KedaSink;
  let tlsOnly: KedaSink;
  let mtlsPort: number;
  let tlsPort: number;
  beforeAll(async () => {
    const c = parseScalerConfig(`source: { file: { path: x.csv } }\nsinks: { keda: { listen: "127.0.0.1:0", tls: { certFile: ${f('server.crt')}, keyFile: ${f('server.key')}, caFile: ${f('ca.crt')}, requireClientCert: true } } }\n`);
    mtls = new KedaSink('tidecast_warm_pool_target', readSinkSecurity(c).kedaTls);
    mtlsPort = await mtls.listen('127.0.0.1:0');
    const t = parseScalerConfig(`source: { file: { path: x.csv } }\nsinks: { keda: { listen: "127.0.0.1:0", tls: { certFile: ${f('server.crt')}, keyFile: ${f('server.key')} } } }\n`);
    tlsOnly = new KedaSink('tidecast_warm_pool_target', readSinkSecurity(t).kedaTls);
    tlsPort = await tlsOnly.listen('127.0.0.1:0');
  });
  afterAll(async () => {
    await mtls?.close();
    await tlsOnly?.close();
  });

  it('a client with a certificate the CA signed gets the metric spec', async () => {
    expect(await spec(mtlsPort, grpc.credentials.createSsl(ca(), ...pair('keda')))).toEqual({ metricSpecs: [{ metricName: 'tidecast_warm_pool_target', targetSize: 1, targetSizeFloat: 1 }] });
  });

  it('refuses a client without a certificate, with one another CA signed, and plaintext', async () => {
    await expect(spec(mtlsPort, grpc.credentials.createSsl(ca()))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    await expect(spec(mtlsPort, grpc.credentials.createSsl(ca(), ...pair('intruder')))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    await expect(spec(mtlsPort, grpc.credentials.createInsecure())).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('TLS without client certificates: a client that trusts the CA gets through, one that does not is refused', async () => {
    expect(await spec(tlsPort, grpc.credentials.createSsl(ca()))).toMatchObject({ metricSpecs: [{ targetSizeFloat: 1 }] });
    await expect(spec(tlsPort, grpc.credentials.createSsl(readFileSync(f('rogue-ca.crt'))))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});
