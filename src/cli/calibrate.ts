import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { calibrate } from '../calibrate/calibrate.js';
import { loadCalibrateConfig, resolvedInputs, EXPECTED } from '../calibrate/config.js';
import { readCsv } from '../calibrate/readCsv.js';
import { readPrometheus } from '../calibrate/readPrometheus.js';
import { loadScenario } from '../scenario/load.js';
import { parseDuration } from '../scenario/units.js';
import { parseTimeCell } from '../workload/trace.js';
import type { ObservedWindow } from '../calibrate/observed.js';

/** Options as commander hands them over. */
export interface CalibrateFlags {
  prometheus?: string;
  csv?: string;
  start?: string;
  end?: string;
  step?: string;
  config?: string;
  set?: string[];
  out?: string;
  force?: boolean;
  bearerTokenFile?: string;
  quiet?: boolean;
}

/** The scenario JSON Schema shipped with tidecast (dist/cli → schema/). */
const SCHEMA_FILE = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));

/** A time flag: a UTC date-time or epoch seconds. */
export function timeFlag(name: string, v: string | undefined): number {
  const t = v === undefined ? NaN : parseTimeCell(v);
  if (!Number.isFinite(t)) throw new UserError(`${name}: expected a UTC date-time such as 2026-12-01T00:00:00Z or epoch seconds, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  return t;
}

/** Reads the observed window from --prometheus (with --start/--end) or --csv, with a config's queries. */
export async function readWindow(f: CalibrateFlags, what = 'calibrate', cfg = loadCalibrateConfig(f.config, f.set ?? [])): Promise<ObservedWindow> {
  const inputs = resolvedInputs(cfg);
  if (!!f.prometheus === !!f.csv) throw new UserError(`${what}: give either --prometheus URL (with --start and --end) or --csv FILE`);
  let stepS = cfg.step;
  if (f.step !== undefined) {
    const d = parseDuration(f.step);
    if (typeof d === 'string' || !(d > 0)) throw new UserError(`--step: expected a positive duration such as 1m, got "${f.step}"`);
    stepS = d;
  }
  let w: ObservedWindow;
  if (f.prometheus) {
    let url: URL;
    try {
      url = new URL(f.prometheus);
    } catch {
      throw new UserError(`--prometheus: expected a URL such as http://prometheus:9090, got "${f.prometheus}"`);
    }
    const startS = timeFlag('--start', f.start);
    const endS = timeFlag('--end', f.end);
    w = await readPrometheus(url.toString(), inputs, { startS, endS, stepS }, { timeout: cfg.timeout, maxBytes: cfg.maxBytes, bearerTokenFile: f.bearerTokenFile ?? cfg.bearerTokenFile });
  } else w = readCsv(f.csv!, inputs);
  if (!w.counters.claims) {
    const spec = inputs.claims;
    throw new UserError(`${what}: claims${spec ? ` (${f.csv ? `column "${spec.csv ?? 'claims'}"` : `query \`${spec.query}\``})` : ''}: not found; expected ${EXPECTED.claims}`);
  }
  return w;
}

/** `tidecast calibrate`: reads a window, fits, writes the scenario and its trace (never over existing files without --force). */
export async function calibrateAction(f: CalibrateFlags): Promise<{ stdout: string; notes: string[] }> {
  if (!f.out) throw new UserError('calibrate: --out FILE (the scenario to write) is required');
  const out = f.out;
  const ext = extname(out);
  const name = basename(out, ext);
  const traceFile = `${name}-arrivals.csv`;
  const tracePath = join(dirname(out), traceFile);
  for (const p of [out, tracePath]) if (existsSync(p) && !f.force) throw new UserError(`calibrate: ${p} exists; use --force to overwrite it`);
  const cfg = loadCalibrateConfig(f.config, f.set ?? []);
  const w = await readWindow(f, 'calibrate', cfg);
  const schemaPath = relative(dirname(out) || '.', SCHEMA_FILE).split('\\').join('/');
  const c = calibrate(w, { name: cfg.name ?? name, traceFile, schemaPath });
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(tracePath, c.traceCsv);
    writeFileSync(out, c.yaml);
  } catch (e) {
    throw new UserError(`calibrate: cannot write ${out} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  // what was written must load as a scenario: the same loader every command uses
  loadScenario(out);
  const lines = [`wrote ${out} and ${tracePath} (${w.n} steps of ${w.stepS} s from ${w.source})`];
  for (const [k, fits] of Object.entries(c.fits)) {
    const b = fits![0];
    lines.push(`  ${k.padEnd(20)} ${b.kind.padEnd(12)} median ${b.median.toPrecision(4)} s  p99 ${b.p99.toPrecision(4)} s  KS ${b.ks.toFixed(4)}`);
  }
  if (c.tidal) lines.push(`  ${'arrivals (tidal)'.padEnd(20)} peak ${c.tidal.peak.toPrecision(4)}/s trough ${c.tidal.trough.toPrecision(4)}/s  R² ${c.tidal.r2.toFixed(3)}`);
  return { stdout: lines.join('\n') + '\n', notes: c.notes };
}
