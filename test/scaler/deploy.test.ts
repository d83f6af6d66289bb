import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SIDECAR_NODE_OPTIONS } from '../../src/bench/scalerBench.js';
import { loadScalerConfig, parseScalerConfig } from '../../src/scaler/config.js';

const docs = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>);

describe('deploy/', () => {
  it('the example configs are valid scaler configs', () => {
    const c = loadScalerConfig('deploy/scaler.yaml');
    expect(c.source.prometheus?.query).toBe('sum(rate(agent_sandbox_claim_creation_total[1m]))');
    expect(c.sinks.kubernetes?.resource).toBe('sandboxwarmpools');
    const cm = docs('deploy/scaler-deployment.yaml').find((d) => d.kind === 'ConfigMap')!;
    expect(parseScalerConfig(cm.data['scaler.yaml'], 'deploy/scaler-deployment.yaml ConfigMap').sinks.kubernetes).toMatchObject({ resource: 'sandboxwarmpools', namespace: 'agents', name: 'python-pool' });
  });

  it('the Role allows only get and patch on the warm pool\'s scale subresource', () => {
    const role = docs('deploy/scaler-deployment.yaml').find((d) => d.kind === 'Role')!;
    expect(role.rules).toEqual([{ apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxwarmpools/scale'], resourceNames: ['python-pool'], verbs: ['get', 'patch'] }]);
    const dep = docs('deploy/scaler-deployment.yaml').find((d) => d.kind === 'Deployment')!;
    expect(dep.spec.template.spec.serviceAccountName).toBe('tidecast-scaler');
    expect(dep.spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    // the V8 flags the bench measured the sidecar with
    expect(dep.spec.template.spec.containers[0].env).toContainEqual({ name: 'NODE_OPTIONS', value: SIDECAR_NODE_OPTIONS });
    expect(readFileSync('deploy/Containerfile', 'utf8')).toContain(`ENV NODE_OPTIONS="${SIDECAR_NODE_OPTIONS}"`);
  });

  it('the ScaledObject points KEDA at the scaler\'s gRPC port; the ServiceMonitor at /metrics', () => {
    const so = docs('deploy/scaler-scaledobject.yaml')[0];
    expect(so.spec.triggers).toEqual([{ type: 'external', metadata: { scalerAddress: 'tidecast-scaler.agents.svc:9100' } }]);
    expect(so.spec.scaleTargetRef).toMatchObject({ apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool' });
    expect(docs('deploy/scaler-servicemonitor.yaml')[0].spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });
});
