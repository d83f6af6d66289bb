/**
 * Build step: copies the files modules read at run time next to their compiled modules, so that
 * `new URL('./x', import.meta.url)` names the same file from `src/` (tests), from tsc's `dist/`
 * and from the bundle (src/build/bundleCli.ts rebases the URL onto `dist/`). Today that is one
 * file, the KEDA external-scaler proto (src/scaler/kedaSink.ts); every `*.proto` under src/ is
 * copied, so a new one needs no change here.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(dist, '..', 'src');
for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || !e.name.endsWith('.proto')) continue;
  const from = join(e.parentPath ?? e.path, e.name); // parentPath from node 20.12
  const to = join(dist, relative(src, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
