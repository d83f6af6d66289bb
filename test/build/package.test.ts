import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childCpuSeconds, cpuBound, wallGuardMs } from '../cpuBudget.js';

/**
 * The package as a user gets it: `npm pack` of the built tree (npm test builds first; the pack
 * skips `prepare` so it does not build again), installed into an empty folder with its production
 * dependencies only, then the CLI and the sidecar run from there — no src/, no test/, no dev tools.
 *
 * The install is offline: a lockfile for the temporary folder is made from this repository's
 * (the tarball plus every non-dev entry, the same versions and integrity hashes), and `npm ci
 * --offline` takes the packages from npm's cache, which the repository's own `npm ci` filled. That
 * is a real install (npm lays out node_modules, links the bin, and a module importing a
 * devDependency would fail), in ~10–15 s of CPU and no registry round trip. Should the cache miss a
 * package, it falls back to `--prefer-offline`, which fetches only what is missing.
 */
const ROOT = process.cwd();
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
/** CPU seconds measured for pack + install + the runs below on a 2-core machine with a load average of 19 (npm ci is most of it). */
const COST_S = 20;
const dir = mkdtempSync(join(tmpdir(), 'tidecast-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: wallGuardMs(10), env: { ...process.env, npm_config_update_notifier: 'false' } });
let packed: string[] = [];
let cpuS: number | undefined = 0;

/** Runs the installed `tidecast` with the temporary folder as the current directory. */
const tidecast = (...args: string[]): SpawnSyncReturns<string> => {
  const c0 = childCpuSeconds();
  const r = spawnSync(join(dir, 'node_modules', '.bin', 'tidecast'), args, { cwd: dir, encoding: 'utf8', timeout: wallGuardMs(2) });
  const c1 = childCpuSeconds();
  cpuS = c0 === undefined || c1 === undefined || cpuS === undefined ? undefined : cpuS + c1 - c0;
  return r;
};

beforeAll(() => {
  const c0 = childCpuSeconds();
  const p = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  expect(p.status, p.stderr).toBe(0);
  const [info] = JSON.parse(p.stdout) as { filename: string; files: { path: string }[] }[];
  packed = info.files.map((f) => f.path);
  // the install folder: the tarball as its one dependency, locked to this repository's production tree
  const packages: Record<string, unknown> = {
    '': { dependencies: { tidecast: `file:${info.filename}` } },
    'node_modules/tidecast': { version: PKG.version, resolved: `file:${info.filename}`, license: PKG.license, dependencies: PKG.dependencies, bin: PKG.bin, engines: PKG.engines },
  };
  for (const [k, v] of Object.entries(LOCK.packages)) if (k && !v.dev) packages[k] = v;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { tidecast: `file:${info.filename}` } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'tidecast-install-test', lockfileVersion: 3, requires: true, packages }));
  let i = npm(['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
  if (i.status !== 0 && /ENOTCACHED/.test(i.stderr)) i = npm(['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
  expect(i.status, i.stderr).toBe(0);
  const c1 = childCpuSeconds();
  cpuS = c0 === undefined || c1 === undefined ? undefined : c1 - c0;
}, wallGuardMs(COST_S));

describe('the packed package', () => {
  it('holds the CLI bundle, the proto, the schema, the scenarios, the traces with their attribution, a LICENSE — and no tests, sources or build tools', () => {
    for (const f of ['dist/bin/tidecast.js', 'dist/bin/worker.js', 'dist/scaler/externalscaler.proto', 'dist/vendor/kubernetes-client.js', 'dist/index.js', 'dist/index.d.ts', 'schema/scenario.schema.json', 'scenarios/default.yaml', 'traces/README.md', 'LICENSE', 'README.md', 'package.json']) {
      expect(packed, f).toContain(f);
    }
    expect(readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).every((f) => packed.includes(`scenarios/${f}`))).toBe(true);
    expect(packed.filter((f) => /(^|\/)tests?\/|\.test\.|^src\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packed.filter((f) => /^dist\/(bench|build)\/|\.map$/.test(f))).toEqual([]);
    // each shipped trace is named in the README that carries its licence and attribution
    const readme = readFileSync(join(ROOT, 'traces/README.md'), 'utf8');
    expect(packed.filter((f) => f.startsWith('traces/') && f.endsWith('.csv') && !readme.includes(f.slice('traces/'.length)))).toEqual([]);
    expect(readFileSync(join(dir, 'node_modules/tidecast/LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the tidecast authors\n/);
  });

  it('installs without src/ and runs: tidecast --version, run scenarios/default.yaml, a trace replay, scaler --help, and the KEDA sink', () => {
    const v = tidecast('--version');
    expect([v.status, v.stdout.trim()]).toEqual([0, PKG.version]);

    const run = tidecast('run', 'node_modules/tidecast/scenarios/default.yaml', '--quiet');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/sessions arrived +[\d,]+/);
    // a scenario that reads a shipped trace finds it beside itself
    const replay = tidecast('run', 'node_modules/tidecast/scenarios/azure-code-replay.yaml', '--set', 'duration=10m', '--set', 'warmup=0', '--replications', '1', '--quiet');
    expect(replay.status, replay.stderr).toBe(0);

    const help = tidecast('scaler', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tidecast scaler/);
    // the KEDA sink loads its proto from the package (dist/scaler), then the sidecar stops after one decision
    writeFileSync(join(dir, 'keda.yaml'), 'interval: 1m\ninitial: 10\nsource: { file: { path: node_modules/tidecast/traces/azure-llm-2023-code.csv } }\nsinks: { keda: { listen: "127.0.0.1:0" } }\n');
    const keda = tidecast('scaler', '--config', 'keda.yaml', '--once');
    expect(keda.stderr).toMatch(/"event":"started".*"keda":\d+/);
    expect(keda.stderr).toMatch(/"event":"stopped"/);
    expect(keda.stderr).not.toMatch(/ENOENT|internal error/);

    if (cpuS !== undefined) expect(cpuS, `pack + install + runs: ${cpuS.toFixed(1)} s CPU`).toBeLessThanOrEqual(cpuBound(COST_S));
  }, wallGuardMs(3));
});
