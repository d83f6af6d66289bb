/**
 * Build step: bundles the CLI (the `tidecast` bin) into `dist/bin/`, from tsc's output in `dist/`.
 *
 * Why: zod and yaml are packages of many small files (zod ~95); node resolves, reads and compiles
 * each, which cost ~100 ms and ~50 ms of `tidecast run`'s start on a quiet 2-core machine; bundled
 * into one file each they load in ~30 ms and ~12 ms. Code splitting keeps every command's
 * `await import('./x.js')` a lazy chunk, so `--version` still loads only main's chunk.
 *
 * What stays outside: the heavy packages only some commands load (vega, arquero, gRPC, the
 * Kubernetes client, prom-client) are left to node_modules; they load as before, from the package.
 * The worker-thread entries (replications, sweep points, the engine's helper) are entries of the
 * bundle too, so a worker starts from the same chunks. A module that names a file by
 * `new URL('rel', import.meta.url)` has that URL rewritten against the bundle's folder: to the
 * bundled entry when it names one, else to the same file as before (`dist/vendor/…`, `schema/…`,
 * `package.json`, the proto), so both layouts resolve the same files.
 *
 * `dist/` keeps tsc's modules (the library's `main`, and the tests import them); only `bin` points
 * here.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundle's folder: one level under the package root, like `dist/cli/`, so `../../x` means the same. */
export const BIN_DIR = join(dist, 'bin');

/** Bundle entry name → tsc module. The names are the files' own, so a same-folder URL keeps its name. */
const ENTRIES: Record<string, string> = {
  tidecast: join(dist, 'cli', 'main.js'),
  worker: join(dist, 'sim', 'worker.js'),
  pointWorker: join(dist, 'sweep', 'pointWorker.js'),
  farHelper: join(dist, 'engine', 'farHelper.js'),
  // a module whose work the engine's helper serves is imported by the helper thread by its own URL
  // and read for its `helperWork` export: as an entry it keeps both (in a shared chunk it had neither)
  ahead: join(dist, 'model', 'ahead.js'),
};

/** Packages that stay in node_modules: large, and loaded only by the commands that need them. */
const EXTERNAL = /^(vega|vega-lite|vega-embed|arquero|@grpc\/[^/]+|@kubernetes\/client-node|prom-client)(\/|$)/;

/** `new URL('<relative>', import.meta.url)`, the only form of file reference in src/ (checked in the build). */
const URL_REF = /new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g;

/** Rewrites a module's relative URLs so that, from a chunk in BIN_DIR, they name the file they named from the module. */
function rebaseUrls(): Plugin {
  const byFile = new Map(Object.entries(ENTRIES).map(([name, file]) => [file, join(BIN_DIR, `${name}.js`)]));
  return {
    name: 'tidecast-rebase-urls',
    transform(code, id) {
      if (!id.startsWith(dist + sep) || !code.includes('import.meta.url')) return null;
      return code.replace(URL_REF, (_, q: string, rel: string) => {
        const target = resolve(dirname(id), rel);
        const to = byFile.get(target) ?? target;
        if (!byFile.has(target) && !target.startsWith(join(dist, '..'))) throw new Error(`bundleCli: ${id} names ${rel}, outside the package`);
        let r = relative(BIN_DIR, to).split(sep).join('/');
        if (!r.startsWith('.')) r = `./${r}`;
        return `new URL(${q}${r}${q}, import.meta.url)`;
      });
    },
  };
}

rmSync(BIN_DIR, { recursive: true, force: true });
for (const f of Object.values(ENTRIES)) if (!existsSync(f)) throw new Error(`bundleCli: ${f} is missing; run tsc first`);
const out = await build({
  input: ENTRIES,
  platform: 'node',
  treeshake: true,
  logLevel: 'silent',
  external: (id) => EXTERNAL.test(id),
  plugins: [rebaseUrls()],
  output: {
    dir: BIN_DIR,
    format: 'esm',
    entryFileNames: '[name].js',
    // chunks beside the entries: every chunk is one level under the root, like the modules it holds
    chunkFileNames: '[name]-[hash].js',
    minify: true,
    // chunks export under the modules' own names: the helper thread reads `helperWork` from the
    // chunk that registered it (by its import.meta.url), wherever the bundler put that module
    minifyInternalExports: false,
    sourcemap: false,
  },
});

/**
 * `dist/bin/modules.json`: each output file and the modules it holds (paths from the package root,
 * `node_modules/…` for packages), so a test can tell which of the project's modules a command
 * loaded from the chunks it loaded (test/cli/startup.test.ts).
 */
const root = join(dist, '..');
const manifest = Object.fromEntries(
  out.output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c.moduleIds.filter((m) => !m.startsWith('\0')).map((m) => relative(root, m).split(sep).join('/')).sort()]),
);
writeFileSync(join(BIN_DIR, 'modules.json'), JSON.stringify(manifest, null, 1) + '\n');
