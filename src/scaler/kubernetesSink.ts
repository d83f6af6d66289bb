import type * as K8s from '@kubernetes/client-node';
import { KNOWN_RESOURCES, type ScalerConfig } from './config.js';
import { loadKubernetesClient, type KubernetesClient } from './kubernetesClient.js';
import type { Decision } from './scaler.js';
import type { Sink } from './sink.js';

type K8sConfig = NonNullable<ScalerConfig['sinks']['kubernetes']>;

/** The request a scale change sends (for logs, dry runs and tests). */
export interface ScalePatch {
  method: 'PATCH';
  path: string;
  contentType: 'application/merge-patch+json';
  body: { spec: { replicas: number } };
}

/** The resource a config names, as group/version/plural. */
export function resourceOf(c: K8sConfig): { group: string; version: string; plural: string } {
  return typeof c.resource === 'string' ? KNOWN_RESOURCES[c.resource] : c.resource;
}

/** The merge patch of the `scale` subresource that sets `replicas`. */
export function scalePatch(c: K8sConfig, replicas: number): ScalePatch {
  const r = resourceOf(c);
  return {
    method: 'PATCH',
    path: `/apis/${r.group}/${r.version}/namespaces/${encodeURIComponent(c.namespace)}/${r.plural}/${encodeURIComponent(c.name)}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas } },
  };
}

/**
 * Sets the warm pool's size through its `scale` subresource (autoscaling/v1 Scale) with
 * `@kubernetes/client-node`: a JSON merge patch `{"spec":{"replicas":N}}`, sent when the target
 * changes. Conflicts (409), throttling (429, honouring Retry-After) and server errors (5xx) are
 * retried with exponential backoff; `dryRun` logs the patch instead. The client library is loaded
 * only when patches are really sent, and from the build's tree-shaken bundle of it
 * (src/build/bundleKubernetes.ts): the library's entry point alone takes ~75 MB of memory.
 */
export class KubernetesSink implements Sink {
  readonly name = 'kubernetes';
  private sent: number | null = null;

  private constructor(
    private readonly c: K8sConfig,
    private readonly api: { client: K8s.CustomObjectsApi; mergePatch: K8s.ConfigurationOptions } | null,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    private readonly onError: (kind: string) => void,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Connects with a kubeconfig file, else in-cluster config, else the default kubeconfig. */
  static async create(
    c: K8sConfig,
    log: (event: string, fields: Record<string, unknown>) => void,
    onError: (kind: string) => void = () => {},
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    load: () => Promise<KubernetesClient> = loadKubernetesClient,
  ): Promise<KubernetesSink> {
    if (c.dryRun) return new KubernetesSink(c, null, log, onError, sleep);
    const k8s = await load();
    const kc = new k8s.KubeConfig();
    if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
    const api = { client: kc.makeApiClient(k8s.CustomObjectsApi), mergePatch: k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch) };
    return new KubernetesSink(c, api, log, onError, sleep);
  }

  async publish(d: Decision): Promise<void> {
    if (d.target === this.sent) return;
    const patch = scalePatch(this.c, d.target);
    if (!this.api) {
      this.log('dry-run patch', { ...patch });
      this.sent = d.target;
      return;
    }
    const r = resourceOf(this.c);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.api.client.patchNamespacedCustomObjectScale(
          { group: r.group, version: r.version, namespace: this.c.namespace, plural: r.plural, name: this.c.name, body: patch.body },
          this.api.mergePatch,
        );
        this.sent = d.target;
        this.log('patched', { path: patch.path, replicas: d.target });
        return;
      } catch (e) {
        const code = (e as { code?: number }).code ?? 0;
        const retriable = code === 409 || code === 429 || code >= 500 || code === 0;
        if (!retriable || attempt >= this.c.retries) {
          this.onError(`sink_kubernetes`);
          this.log('patch failed', { path: patch.path, replicas: d.target, status: code || null, error: String((e as Error).message).split('\n')[0] });
          return;
        }
        const retryAfter = Number((e as { headers?: Record<string, string> }).headers?.['retry-after']);
        await this.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 200 * 2 ** attempt);
      }
    }
  }

  async close(): Promise<void> {}
}
