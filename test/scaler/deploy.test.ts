import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SIDECAR_NODE_OPTIONS } from '../../src/bench/scalerBench.js';
import { loadScalerConfig, parseScalerConfig, type ScalerConfig } from '../../src/scaler/config.js';
import { parseListen } from '../../src/scaler/listen.js';

/**
 * deploy/ as the cluster receives it: each overlay rendered by `kubectl kustomize` (Debian's
 * kubernetes-client), then checked resource by resource — the set of resources, the security
 * fields, the Role's rules, and that the config's listen ports, the container ports, the
 * Service, the NetworkPolicy and the ScaledObject agree.
 */

type Doc = Record<string, any>;
const render = (overlay: string): Doc[] =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', `deploy/overlays/${overlay}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).map((d) => d.toJS() as Doc);
const keda = render('keda');
const direct = render('direct');
const one = (docs: Doc[], kind: string): Doc => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const configOf = (docs: Doc[], overlay: string): ScalerConfig => parseScalerConfig(one(docs, 'ConfigMap').data['scaler.yaml'], `deploy/overlays/${overlay}/scaler.yaml`);

const COMMON = ['ConfigMap', 'Deployment', 'NetworkPolicy', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor'];

describe.each([
  ['keda', keda, [...COMMON, 'ScaledObject']],
  ['direct', direct, [...COMMON, 'Role', 'RoleBinding']],
])('deploy/overlays/%s', (overlay, docs, kinds) => {
  it('renders exactly the resources of its route, each once, all in the agents namespace', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual([...kinds].sort());
    const ids = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of docs) expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe('agents');
  });

  it('runs as a numeric non-root user with no capabilities, the default seccomp profile and a read-only root', () => {
    const pod = one(docs, 'Deployment').spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // the image's USER is the same numeric user: the kubelet can verify runAsNonRoot only on a number
    expect(readFileSync('deploy/Containerfile', 'utf8')).toMatch(new RegExp(`^USER ${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}$`, 'm'));
    expect(pod.containers[0].env).toContainEqual({ name: 'NODE_OPTIONS', value: SIDECAR_NODE_OPTIONS });
    expect(readFileSync('deploy/Containerfile', 'utf8')).toContain(`ENV NODE_OPTIONS="${SIDECAR_NODE_OPTIONS}"`);
  });

  it('mounts the generated config, which is a valid scaler config, and probes the open paths', () => {
    const c = configOf(docs, overlay);
    const cm = one(docs, 'ConfigMap');
    const pod = one(docs, 'Deployment').spec.template.spec;
    expect(pod.volumes.find((v: Doc) => v.name === 'config').configMap.name).toBe(cm.metadata.name);
    expect(cm.metadata.name).toMatch(/^tidecast-scaler-[a-z0-9]{10}$/);
    expect(pod.containers[0].args).toEqual(['scaler', '--config', '/etc/tidecast/scaler.yaml']);
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(pod.containers[0].livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.source.prometheus?.query).toBe('sum(rate(agent_sandbox_claim_creation_total[1m]))');
  });

  it('listens where the container, the Service and the NetworkPolicy say, and nowhere else', () => {
    const c = configOf(docs, overlay);
    const listening: Record<string, number> = { http: parseListen(c.sinks.http!.listen).port };
    if (c.sinks.keda) listening.grpc = parseListen(c.sinks.keda.listen).port;
    const ports = Object.fromEntries(one(docs, 'Deployment').spec.template.spec.containers[0].ports.map((p: Doc) => [p.name, p.containerPort]));
    expect(ports).toEqual(listening);
    const svc = one(docs, 'Service').spec.ports.map((p: Doc) => [p.name, p.targetPort]);
    expect(svc).toEqual(Object.keys(listening).map((n) => [n, n]));
    const np = one(docs, 'NetworkPolicy').spec;
    expect(np.policyTypes).toEqual(['Ingress']);
    expect(np.podSelector).toEqual(one(docs, 'Deployment').spec.selector);
    const allowed = np.ingress.map((r: Doc) => [r.from.map((f: Doc) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']), r.ports.map((p: Doc) => p.port)]);
    expect(allowed).toEqual([[['monitoring'], [listening.http]], ...(listening.grpc ? [[['keda'], [listening.grpc]]] : [])]);
  });
});

describe('the routes differ only where they must', () => {
  it('direct: a Role with patch and get on the one pool\'s scale subresource and get on the pool, bound to the scaler, with its token mounted', () => {
    const c = configOf(direct, 'direct');
    const k = c.sinks.kubernetes!;
    expect(c.sinks.keda).toBeUndefined();
    expect(one(direct, 'Role').rules).toEqual([
      { apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxwarmpools/scale'], resourceNames: [k.name], verbs: ['patch'] },
      { apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxwarmpools/status'], resourceNames: [k.name], verbs: ['get'] },
    ]);
    expect(k).toMatchObject({ resource: 'sandboxwarmpools', namespace: 'agents', name: 'python-pool' });
    const rb = one(direct, 'RoleBinding');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: one(direct, 'Role').metadata.name });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: one(direct, 'Deployment').spec.template.spec.serviceAccountName, namespace: 'agents' }]);
    expect(one(direct, 'ServiceAccount').automountServiceAccountToken).toBe(true);
  });

  it('keda: no Role and no API token (the scaler makes no API call); the ScaledObject points at the gRPC Service port', () => {
    const c = configOf(keda, 'keda');
    expect(c.sinks.kubernetes).toBeUndefined();
    expect(one(keda, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    const so = one(keda, 'ScaledObject');
    const svc = one(keda, 'Service');
    const grpcPort = svc.spec.ports.find((p: Doc) => p.name === 'grpc').port;
    expect(so.spec.triggers).toEqual([{ type: 'external', metadata: { scalerAddress: `${svc.metadata.name}.${svc.metadata.namespace}.svc:${grpcPort}` } }]);
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'python-pool' });
    expect(one(keda, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });

  it('keda: the HPA behaviour lets scale-up go from minReplicaCount to maxReplicaCount in one 15 s period, with no stabilisation either way', () => {
    const so = one(keda, 'ScaledObject').spec;
    const b = so.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(b.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(b.scaleDown.stabilizationWindowSeconds).toBe(0);
    expect(b.scaleUp.selectPolicy).toBe('Max');
    // the HPA's scale-up limit from n replicas: the largest of its policies (selectPolicy Max)
    const limit = (n: number) =>
      Math.max(...b.scaleUp.policies.filter((p: Doc) => p.periodSeconds <= so.pollingInterval).map((p: Doc) => (p.type === 'Percent' ? Math.ceil(n * (1 + p.value / 100)) : n + p.value)));
    expect(limit(so.minReplicaCount)).toBeGreaterThanOrEqual(so.maxReplicaCount);
    expect(limit(1)).toBeGreaterThanOrEqual(so.maxReplicaCount);
  });
});

describe('deploy/scaler.yaml', () => {
  it('the commented example is a valid scaler config', () => {
    const c = loadScalerConfig('deploy/scaler.yaml');
    expect(c.source.prometheus?.query).toBe('sum(rate(agent_sandbox_claim_creation_total[1m]))');
    expect(c.sinks.kubernetes?.resource).toBe('sandboxwarmpools');
  });
});
