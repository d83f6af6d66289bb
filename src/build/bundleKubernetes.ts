/**
 * Build step: bundles the part of `@kubernetes/client-node` the Kubernetes sink uses (KubeConfig,
 * CustomObjectsApi, the patch header options) into one tree-shaken module,
 * `dist/vendor/kubernetes-client.js`. The library's entry point loads every generated API and
 * model (~75 MB resident); the bundle holds only what a scale patch reaches (~22 MB), which keeps
 * the sidecar's direct route inside its memory budget. The sink falls back to the library itself
 * when the bundle is absent (tests run from source, or a build without this step).
 */
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'vendor', 'kubernetes-client.js');
const entry = join(here, '..', 'vendor', 'kubernetes-client.entry.js');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(entry, "export { KubeConfig, CustomObjectsApi, setHeaderOptions, PatchStrategy } from '@kubernetes/client-node';\n");
try {
  await build({
    input: entry,
    platform: 'node',
    treeshake: true,
    logLevel: 'silent',
    output: { file: out, format: 'esm', minify: true, sourcemap: false },
  });
} finally {
  rmSync(entry, { force: true });
}
