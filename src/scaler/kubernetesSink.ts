import type * as K8s from '@kubernetes/client-node';
import { KNOWN_RESOURCES, type ScalerConfig } from './config.js';
import { loadKubernetesClient, type KubernetesClient } from './kubernetesClient.js';
import { deadlineSignal } from './deadline.js';
import { retryAfterS } from './httpGet.js';
import type { PoolReader } from './pool.js';
import { sleepUnless, type Decision } from './scaler.js';
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

/** The status field counting ready sandboxes, by resource (agent-sandbox SandboxWarmPoolStatus.readyReplicas, OpenKruise SandboxSetStatus.availableReplicas). */
export function readyFieldOf(c: K8sConfig): string {
  return c.readyField ?? (c.resource === 'sandboxsets' ? 'availableReplicas' : 'readyReplicas');
}

/** Network failures worth another try: Node's error codes are strings (a number is an HTTP status). */
const RETRIABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** How a failed API call is classed: an HTTP status, a retriable network error, a deadline, or neither. */
export function classify(e: unknown): { status: number; retriable: boolean; aborted: boolean; retryAfterS?: number } {
  const err = e as { code?: unknown; name?: string; type?: string; errno?: unknown; headers?: Record<string, string>; cause?: { code?: unknown } };
  if (err?.name === 'AbortError' || err?.type === 'aborted') return { status: 0, retriable: false, aborted: true };
  if (typeof err?.code === 'number') {
    const status = err.code;
    const ra = retryAfterS(err.headers?.['retry-after']); // delta-seconds or an HTTP date
    return { status, retriable: status === 409 || status === 429 || status >= 500, aborted: false, ...(ra !== undefined ? { retryAfterS: ra } : {}) };
  }
  const code = typeof err?.code === 'string' ? err.code : typeof err?.errno === 'string' ? err.errno : typeof err?.cause?.code === 'string' ? err.cause.code : '';
  return { status: 0, retriable: RETRIABLE_CODES.has(code) || code === '', aborted: false };
}

type Api = { client: K8s.CustomObjectsApi; options: (signal?: AbortSignal) => K8s.ConfigurationOptions };

/**
 * Sets the warm pool's size through its `scale` subresource (autoscaling/v1 Scale) with
 * `@kubernetes/client-node`: a JSON merge patch `{"spec":{"replicas":N}}`. Level-triggered: each
 * decision carries the pool's observed `spec.replicas` (read through `poolReader()`), and when
 * it differs from the target — our last patch lost, a `kubectl scale`, a GitOps sync — the
 * target is patched back (`reconcile`); without an observation, it patches when the target changes.
 * Every call runs under the decision's deadline (its signal aborts the request itself). Conflicts
 * (409), throttling (429), server errors (5xx) and network errors (ECONNRESET, ECONNREFUSED, …) are
 * retried with exponential backoff while the deadline allows; a Retry-After longer than what is
 * left is honoured by skipping this sink until then, never by waiting (other sinks and the next
 * decision go on). `dryRun` logs the patch instead. The client library is loaded only when
 * patches are really sent, and from the build's tree-shaken bundle of it
 * (src/build/bundleKubernetes.ts): the library's entry point alone takes ~75 MB of memory.
 */
export class KubernetesSink implements Sink {
  readonly name = 'kubernetes';
  private sent: number | null = null;
  /** Wall time (ms) before which the API server asked not to be called (Retry-After). */
  private notBeforeMs = -Infinity;

  private constructor(
    private readonly c: K8sConfig,
    private readonly api: Api | null,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    private readonly onError: (kind: string) => void,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
    private readonly wallMs: () => number = () => Date.now(),
  ) {}

  /** Connects with a kubeconfig file, else in-cluster config, else the default kubeconfig. */
  static async create(
    c: K8sConfig,
    log: (event: string, fields: Record<string, unknown>) => void,
    onError: (kind: string) => void = () => {},
    sleep: (ms: number, signal?: AbortSignal) => Promise<void> = sleepUnless,
    load: () => Promise<KubernetesClient> = loadKubernetesClient,
  ): Promise<KubernetesSink> {
    if (c.dryRun) return new KubernetesSink(c, null, log, onError, sleep);
    const k8s = await load();
    const kc = new k8s.KubeConfig();
    if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
    // the request's abort signal is set by a middleware (the generated client has no other way
    // in); its middlewares return the client's own minimal observable: a promise with toPromise/pipe
    const options = (signal?: AbortSignal): K8s.ConfigurationOptions =>
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch, {
        middleware: [
          {
            pre: (ctx: K8s.RequestContext) => {
              if (signal) ctx.setSignal(signal as never);
              return observableOf(ctx);
            },
            post: (r: K8s.ResponseContext) => observableOf(r),
          },
        ],
        middlewareMergeStrategy: 'append',
      } as unknown as K8s.ConfigurationOptions);
    return new KubernetesSink(c, { client: kc.makeApiClient(k8s.CustomObjectsApi), options }, log, onError, sleep);
  }

  /** Reads the pool's spec.replicas and ready count from its status subresource (null in a dry run). */
  poolReader(): PoolReader | null {
    const api = this.api;
    if (!api || !this.c.observe) return null;
    const r = resourceOf(this.c);
    const field = readyFieldOf(this.c);
    return {
      name: `kubernetes ${this.c.namespace}/${this.c.name}`,
      read: async (limits) => {
        const d = deadlineSignal(limits.timeoutMs ?? 10_000, limits.signal);
        try {
          const o = (await api.client.getNamespacedCustomObjectStatus({ group: r.group, version: r.version, namespace: this.c.namespace, plural: r.plural, name: this.c.name }, api.options(d.signal))) as {
            spec?: { replicas?: unknown };
            status?: Record<string, unknown>;
          };
          // an omitted count is zero (the Go types mark them omitempty)
          const replicas = o?.spec?.replicas ?? 0;
          const ready = o?.status?.[field] ?? 0;
          if (typeof replicas !== 'number' || typeof ready !== 'number') throw new Error(`${r.plural}/${this.c.name}: spec.replicas or status.${field} is not a number`);
          return { replicas, ready };
        } catch (e) {
          const k = classify(e);
          throw new Error(k.aborted ? 'pool status: no answer within the read budget' : `pool status: ${k.status ? `HTTP ${k.status}` : String((e as Error).message).split('\n')[0]}`);
        } finally {
          d.dispose();
        }
      },
    };
  }

  async publish(d: Decision, signal?: AbortSignal): Promise<void> {
    const observed = this.c.reconcile && d.pool ? d.pool.replicas : null; // null: not observed
    if (observed === null ? d.target === this.sent : observed === d.target) {
      this.sent = d.target;
      return;
    }
    const patch = scalePatch(this.c, d.target);
    if (!this.api) {
      this.log('dry-run patch', { ...patch });
      this.sent = d.target;
      return;
    }
    if (this.wallMs() < this.notBeforeMs) {
      this.onError('sink_kubernetes_throttled');
      return; // the server asked us to wait: skip this decision, try again at a later one
    }
    if (observed !== null && this.sent === d.target) this.log('reconciling', { path: patch.path, observed, target: d.target });
    const r = resourceOf(this.c);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.api.client.patchNamespacedCustomObjectScale(
          { group: r.group, version: r.version, namespace: this.c.namespace, plural: r.plural, name: this.c.name, body: patch.body },
          this.api.options(signal),
        );
        this.sent = d.target;
        this.log('patched', { path: patch.path, replicas: d.target });
        return;
      } catch (e) {
        const k = classify(e);
        const backoff = 200 * 2 ** attempt;
        const waitMs = k.retryAfterS !== undefined ? k.retryAfterS * 1000 : backoff;
        if (k.retryAfterS !== undefined && k.retryAfterS > 0) this.notBeforeMs = this.wallMs() + waitMs;
        const gaveUp = !k.retriable || attempt >= this.c.retries || signal?.aborted || (k.retryAfterS ?? 0) * 1000 > 2000;
        if (gaveUp) {
          this.onError('sink_kubernetes');
          this.log('patch failed', {
            path: patch.path,
            replicas: d.target,
            status: k.status || null,
            error: k.aborted || signal?.aborted ? 'no answer within the decision deadline' : String((e as Error).message).split('\n')[0],
            ...(k.retryAfterS !== undefined ? { retryAfterS: k.retryAfterS } : {}),
          });
          return;
        }
        await this.sleep(waitMs, signal);
        if (signal?.aborted) {
          this.onError('sink_kubernetes');
          return;
        }
      }
    }
  }

  async close(): Promise<void> {}
}

/** The generated client's rxjs stand-in (`of`), which the bundle does not export: a promise with `toPromise` and `pipe`. */
interface PromiseObservable<T> {
  promise: Promise<T>;
  toPromise(): Promise<T>;
  pipe<U>(f: (v: T) => U | Promise<U>): PromiseObservable<U>;
}
function observableFrom<T>(p: Promise<T>): PromiseObservable<T> {
  return { promise: p, toPromise: () => p, pipe: (f) => observableFrom(p.then(f)) };
}
function observableOf<T>(v: T): PromiseObservable<T> {
  return observableFrom(Promise.resolve(v));
}
