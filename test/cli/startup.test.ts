import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuiltin } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';

/** The built CLI in both layouts (npm test builds first): tsc's modules, and the bundle `bin` points at. */
const ROOT = process.cwd();
const LAYOUTS = { modules: join(ROOT, 'dist/cli/main.js'), bundle: join(ROOT, 'dist/bin/tidecast.js') };
const BIN = join(ROOT, 'dist/bin');
/** Which modules each bundle file holds (written by src/build/bundleCli.ts). */
const MANIFEST = JSON.parse(readFileSync(join(BIN, 'modules.json'), 'utf8')) as Record<string, string[]>;
const dir = mkdtempSync(join(tmpdir(), 'tidecast-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A preload that records every module the process loads: ES modules through a resolve hook (run
 * on the loader thread), CommonJS through `Module._load` (grpc-js and prom-client are CommonJS).
 */
const HOOK = join(dir, 'hook.mjs');
writeFileSync(
  HOOK,
  `import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.LOADLOG;
register('data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  "export async function resolve(s, c, n) { const r = await n(s, c); appendFileSync(" + JSON.stringify(log) + ", r.url + '\\\\n'); return r; }"));
const load = Module._load;
Module._load = function (request, ...rest) { appendFileSync(log, 'cjs:' + request + '\\n'); return load.call(this, request, ...rest); };
`,
);

/**
 * The modules `tidecast ...args` loads (and its exit code). From the bundle, each bundle file
 * loaded stands for the modules it holds (as `file://<root>/dist/…` and `…/node_modules/…`), so
 * the checks below read the same in both layouts; `files` lists the bundle files themselves.
 */
function loaded(cli: string, ...args: string[]): { code: number | null; modules: string[]; files: string[]; urls: string[] } {
  const log = join(dir, `load-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', HOOK, cli, ...args], { encoding: 'utf8', env: { ...process.env, LOADLOG: log }, timeout: 60_000 });
  const urls = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
  const files = urls.filter((u) => u.startsWith(`file://${BIN}/`)).map((u) => u.slice(`file://${BIN}/`.length));
  const modules = urls.flatMap((u) => {
    if (!u.startsWith(`file://${BIN}/`)) return [u];
    const held = MANIFEST[u.slice(`file://${BIN}/`.length)];
    if (!held) throw new Error(`${u}: not in dist/bin/modules.json`);
    return held.map((m) => `file://${ROOT}/${m}`);
  });
  return { code: r.status, modules, files, urls };
}

/** Modules no simulation needs: charts and reports, the sidecar's network clients, tables. */
const HEAVY = /vega|@grpc|grpc-js|kubernetes|arquero|prom-client|\/report\/(build|html|svg|charts|data)\.js|\/scaler\//;
/** The forecast models: only `forecast`, `targets`, `backtest` and the forecast policies need them. */
const MODELS = /\/forecast\/(auto|holtWinters|doubleSeasonal|forecast)\.js/;

const RUN = ['run', 'scenarios/default.yaml', '--set', 'duration=1m', '--set', 'warmup=0', '--set', 'output.interval=1m', '--replications', '1', '--workers', '0', '--quiet'];

describe.each(Object.entries(LAYOUTS))('CLI start-up (%s)', (layout, CLI) => {
  it('--version loads commander and nothing heavy', () => {
    const r = loaded(CLI, '--version');
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('commander'))).toBe(true); // the hook does see the imports
    expect(r.modules.filter((m) => HEAVY.test(m) || MODELS.test(m))).toEqual([]);
    expect(r.modules.filter((m) => m.includes('cli-progress'))).toEqual([]); // the bars load with the commands that run
    // the CLI's own modules: main, errors and the model-name list
    expect(r.modules.filter((m) => m.includes('/dist/')).map((m) => m.replace(/.*\/dist\//, '')).sort()).toEqual(['cli/main.js', 'errors.js', 'forecast/modelNames.js']);
  });

  it('run loads the simulator but not the report, vega, gRPC or Kubernetes', () => {
    const r = loaded(CLI, ...RUN);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/sim/simulate.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
    // the bundle's point: zod, yaml and commander come inlined in its files, not as package files node resolves one by one
    if (layout === 'bundle') {
      expect(r.files).toContain('tidecast.js');
      expect(r.modules.some((m) => m.includes('/node_modules/zod/')) && r.modules.some((m) => m.includes('/node_modules/yaml/'))).toBe(true);
      // …and nothing else is read from disk: every file loaded is the bundle's, every require a builtin
      expect(r.urls.filter((u) => u.startsWith('file://') && !u.startsWith(`file://${BIN}/`))).toEqual([]);
      expect(r.urls.filter((u) => u.startsWith('cjs:') && !isBuiltin(u.slice(4)))).toEqual([]);
    }
  });

  it('merge loads neither the Pareto front (arquero) nor the chart (vega): only a finished sweep draws them', () => {
    const r = loaded(CLI, 'merge', 'test/report/fixtures/tables/sweep.csv');
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/cli/sweep.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('compare without --out or --csv loads neither vega nor arquero (they load with the outputs that need them)', () => {
    const r = loaded(CLI, 'compare', 'scenarios/default.yaml', '--vary', 'infrastructure.warmPool.size=10,20', '--set', 'duration=1m', '--set', 'warmup=0', '--set', 'output.interval=1m', '--replications', '1', '--workers', '0', '--quiet');
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/cli/compare.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('a report does load vega (the check above can see it)', () => {
    const out = join(dir, 'report', layout);
    const r = loaded(CLI, 'run', 'scenarios/default.yaml', '--set', 'duration=2m', '--set', 'warmup=0', '--set', 'output.interval=1m', '--replications', '1', '--workers', '0', '--quiet', '--out', out);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => /vega/.test(m))).toBe(true);
  });
});

describe('the bundle', () => {
  it('names only files that exist: every `new URL(…, import.meta.url)` in dist/bin resolves (workers, vendor bundle, schema, package.json)', () => {
    const refs = readdirSync(BIN)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...readFileSync(join(BIN, f), 'utf8').matchAll(/new URL\(["'`]([^"'`]+)["'`],\s*import\.meta\.url\)/g)].map((m) => ({ f, rel: m[1] })));
    // the engine's helper, the replication and sweep-point workers, the Kubernetes client bundle, the JSON schema, the package version
    expect(refs.length).toBeGreaterThanOrEqual(6);
    expect(refs.filter(({ rel }) => !existsSync(fileURLToPath(new URL(rel, `file://${BIN}/`))))).toEqual([]);
    expect(refs.map(({ rel }) => rel)).toEqual(expect.arrayContaining(['./farHelper.js', './worker.js', './pointWorker.js']));
  });

  it("serves the engine helper's work from the bundle: every module registering helper work sits in a chunk exporting its `helperWork` under that name", async () => {
    // the helper thread imports the registering module's import.meta.url (in the bundle: its chunk) and reads `helperWork`
    const registering = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && /registerHelperWork\(import\.meta\.url\)/.test(readFileSync(join(ROOT, 'src', f), 'utf8')))
      .map((f) => `dist/${f.replace(/\.ts$/, '.js').split('\\').join('/')}`);
    expect(registering).toContain('dist/model/ahead.js');
    for (const m of registering) {
      const chunks = Object.entries(MANIFEST).filter(([, mods]) => mods.includes(m)).map(([file]) => file);
      expect(chunks, m).toHaveLength(1);
      const work = ((await import(join(BIN, chunks[0]))) as { helperWork?: { kind: string; take: unknown; fill: unknown } }).helperWork;
      expect([typeof work?.kind, typeof work?.take, typeof work?.fill], `${m} in ${chunks[0]}`).toEqual(['string', 'function', 'function']);
    }
  });

  it('runs replications on worker threads started from its own files, with the in-thread results', () => {
    const args = ['run', 'scenarios/default.yaml', '--set', 'duration=5m', '--set', 'warmup=0', '--replications', '2', '--format', 'json', '--quiet'];
    const [one, two] = ['0', '2'].map((w) => spawnSync(process.execPath, [LAYOUTS.bundle, ...args, '--workers', w], { encoding: 'utf8', timeout: 60_000 }));
    expect([one.status, two.status, two.stderr]).toEqual([0, 0, '']);
    const strip = (o: string) => JSON.stringify({ ...JSON.parse(o), engine: undefined });
    expect(strip(two.stdout)).toBe(strip(one.stdout));
  });
});
