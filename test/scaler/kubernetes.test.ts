import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScalerConfig } from '../../src/scaler/config.js';
import { loadKubernetesClient, type KubernetesClient } from '../../src/scaler/kubernetesClient.js';
import { classify, KubernetesSink } from '../../src/scaler/kubernetesSink.js';
import type { Decision } from '../../src/scaler/scaler.js';

/**
 * No API server runs here, so a loopback HTTPS server (its own CA, trusted through the
 * kubeconfig as a real cluster's is) stands in for one and records exactly what
 * `@kubernetes/client-node` sends: method, path, content type, body, credentials.
 */
interface Seen {
  method: string;
  url: string;
  contentType: string;
  auth: string;
  body: unknown;
}
let server: https.Server;
let seen: Seen[] = [];
let script: number[] = []; // status codes to answer, in order (then 200)
let kubeconfig: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidecast-kube-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, contentType: String(req.headers['content-type']), auth: String(req.headers.authorization), body: JSON.parse(Buffer.concat(chunks).toString() || 'null') });
      const status = script.shift() ?? 200;
      const replicas = (seen.at(-1)!.body as { spec?: { replicas?: number } })?.spec?.replicas;
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(
        JSON.stringify(
          status === 200
            ? { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'python-pool', namespace: 'agents' }, spec: { replicas }, status: { replicas: 0 } }
            : { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: status, reason: status === 409 ? 'Conflict' : 'TooManyRequests' },
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: local, cluster: { server: "https://127.0.0.1:${port}", certificate-authority-data: ${cert.toString('base64')} } }]
users: [{ name: scaler, user: { token: test-token } }]
contexts: [{ name: local, context: { cluster: local, user: scaler, namespace: agents } }]
current-context: local
`,
  );
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const decision = (target: number) => ({ target }) as Decision;

// The build's tree-shaken bundle of the client (what the sidecar loads) and the library itself.
const BUNDLE = new URL('../../dist/vendor/kubernetes-client.js', import.meta.url);
const clients: [string, () => Promise<KubernetesClient>][] = [
  ['library', () => loadKubernetesClient('library')],
  ['bundle', () => loadKubernetesClient(BUNDLE)],
];

it('the build wrote the bundle (npm run build), and it is not the whole library', async () => {
  expect(existsSync(BUNDLE), 'dist/vendor/kubernetes-client.js: run npm run build').toBe(true);
  const bundle = await loadKubernetesClient(BUNDLE);
  const library = await loadKubernetesClient('library');
  expect(bundle).not.toBe(library);
  expect(Object.keys(bundle).sort()).toEqual(['CustomObjectsApi', 'KubeConfig', 'PatchStrategy', 'setHeaderOptions']);
});

describe.each(clients)('Kubernetes sink (%s): the exact PATCH an API server expects', (_name, load) => {
  function sinkFor(resource: string, dryRun = false, logs: unknown[] = []): Promise<KubernetesSink> {
    const c = parseScalerConfig(`source: { file: { path: x.csv } }\nsinks: { kubernetes: { resource: ${resource}, namespace: agents, name: python-pool, kubeconfig: ${kubeconfig}, dryRun: ${dryRun} } }`);
    return KubernetesSink.create(c.sinks.kubernetes!, (e, f) => logs.push({ e, ...f }), () => {}, async () => {}, load);
  }

  it('agent-sandbox SandboxWarmPool: merge patch of spec.replicas on the scale subresource, with the bearer token', async () => {
    seen = [];
    await (await sinkFor('sandboxwarmpools')).publish(decision(42));
    expect(seen).toEqual([
      {
        method: 'PATCH',
        url: '/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/agents/sandboxwarmpools/python-pool/scale',
        contentType: 'application/merge-patch+json',
        auth: 'Bearer test-token',
        body: { spec: { replicas: 42 } },
      },
    ]);
  });

  it('OpenKruise SandboxSet and any group/version/plural; nothing is sent when the target has not changed', async () => {
    seen = [];
    const s = await sinkFor('sandboxsets');
    await s.publish(decision(7));
    await s.publish(decision(7));
    await (await sinkFor('{ group: example.com, version: v2, plural: pools }')).publish(decision(3));
    expect(seen.map((x) => [x.url, x.body])).toEqual([
      ['/apis/agents.kruise.io/v1alpha1/namespaces/agents/sandboxsets/python-pool/scale', { spec: { replicas: 7 } }],
      ['/apis/example.com/v2/namespaces/agents/pools/python-pool/scale', { spec: { replicas: 3 } }],
    ]);
  });

  it('retries conflicts and throttling, then succeeds; gives up on a 403 without retrying', async () => {
    seen = [];
    script = [409, 429];
    const logs: unknown[] = [];
    await (await sinkFor('sandboxwarmpools', false, logs)).publish(decision(9));
    expect(seen.length).toBe(3);
    expect(logs.at(-1)).toMatchObject({ e: 'patched', replicas: 9 });
    seen = [];
    script = [403];
    await (await sinkFor('sandboxwarmpools', false, logs)).publish(decision(10));
    expect(seen.length).toBe(1);
    expect(logs.at(-1)).toMatchObject({ e: 'patch failed', status: 403 });
  });

  it('--dry-run logs the patch instead of sending it', async () => {
    seen = [];
    const logs: unknown[] = [];
    await (await sinkFor('sandboxwarmpools', true, logs)).publish(decision(5));
    expect(seen).toEqual([]);
    expect(logs).toEqual([
      { e: 'dry-run patch', method: 'PATCH', path: '/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/agents/sandboxwarmpools/python-pool/scale', contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } } },
    ]);
  });
});

describe('Kubernetes errors', () => {
  it('network errors carry string codes and are retried; statuses are numbers; aborts end the call', () => {
    expect(classify(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({ retriable: true, status: 0 });
    expect(classify(Object.assign(new Error('connect'), { code: 'ECONNREFUSED', errno: 'ECONNREFUSED' }))).toMatchObject({ retriable: true });
    expect(classify({ code: 429, headers: { 'retry-after': '600' } })).toEqual({ status: 429, retriable: true, aborted: false, retryAfterS: 600 });
    expect(classify({ code: 403 })).toMatchObject({ status: 403, retriable: false });
    expect(classify(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject({ aborted: true, retriable: false });
  });
});
