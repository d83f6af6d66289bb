import type * as K8s from '@kubernetes/client-node';

/** What the Kubernetes sink uses of `@kubernetes/client-node`. */
export type KubernetesClient = Pick<typeof K8s, 'KubeConfig' | 'CustomObjectsApi' | 'setHeaderOptions' | 'PatchStrategy'>;

/** The tree-shaken bundle of the client that the build writes (src/build/bundleKubernetes.ts). */
export const CLIENT_BUNDLE = new URL('../vendor/kubernetes-client.js', import.meta.url);

/**
 * Loads `@kubernetes/client-node`: from the build's bundle when there is one (~22 MB resident
 * instead of the library's ~75 MB), else the library itself. `from` names the module to load
 * ('library' forces the library).
 */
export async function loadKubernetesClient(from: URL | 'library' = CLIENT_BUNDLE): Promise<KubernetesClient> {
  if (from !== 'library') {
    try {
      return (await import(from.href)) as KubernetesClient;
    } catch (e) {
      const err = e as { code?: string; url?: string; message?: string };
      // Only a missing bundle falls back; a bundle that fails to load is a real error.
      if (err.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(from.pathname)) throw e;
    }
  }
  return import('@kubernetes/client-node');
}
