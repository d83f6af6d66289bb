import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The built CLI (npm test compiles first). */
const CLI = join(process.cwd(), 'dist/cli/main.js');
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

/** The modules `tidecast ...args` loads (and its exit code). */
function loaded(...args: string[]): { code: number | null; modules: string[] } {
  const log = join(dir, `load-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], { encoding: 'utf8', env: { ...process.env, LOADLOG: log }, timeout: 60_000 });
  return { code: r.status, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Modules no simulation needs: charts and reports, the sidecar's network clients, tables. */
const HEAVY = /vega|@grpc|grpc-js|kubernetes|arquero|prom-client|\/report\/(build|html|svg|charts|data)\.js|\/scaler\//;
/** The forecast models: only `forecast`, `targets`, `backtest` and the forecast policies need them. */
const MODELS = /\/forecast\/(auto|holtWinters|doubleSeasonal|forecast)\.js/;

describe('CLI start-up', () => {
  it('--version loads commander and nothing heavy', () => {
    const r = loaded('--version');
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('commander'))).toBe(true); // the hook does see the imports
    expect(r.modules.filter((m) => HEAVY.test(m) || MODELS.test(m))).toEqual([]);
    expect(r.modules.filter((m) => m.includes('cli-progress'))).toEqual([]); // the bars load with the commands that run
    // the CLI's own modules: main, errors and the model-name list
    expect(r.modules.filter((m) => m.includes('/dist/')).map((m) => m.replace(/.*\/dist\//, '')).sort()).toEqual(['cli/main.js', 'errors.js', 'forecast/modelNames.js']);
  });

  it('run loads the simulator but not the report, vega, gRPC or Kubernetes', () => {
    const r = loaded('run', 'scenarios/default.yaml', '--set', 'duration=1m', '--set', 'warmup=0', '--set', 'output.interval=1m', '--replications', '1', '--workers', '0', '--quiet');
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/sim/simulate.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('merge loads neither the Pareto front (arquero) nor the chart (vega): only a finished sweep draws them', () => {
    const r = loaded('merge', 'test/report/fixtures/tables/sweep.csv');
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => m.includes('/dist/cli/sweep.js'))).toBe(true);
    expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('a report does load vega (the check above can see it)', () => {
    const out = join(dir, 'report');
    const r = loaded('run', 'scenarios/default.yaml', '--set', 'duration=2m', '--set', 'warmup=0', '--set', 'output.interval=1m', '--replications', '1', '--workers', '0', '--quiet', '--out', out);
    expect(r.code).toBe(0);
    expect(r.modules.some((m) => /vega/.test(m))).toBe(true);
  });
});
