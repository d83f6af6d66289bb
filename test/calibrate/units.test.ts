import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { compareWindows } from '../../src/calibrate/compare.js';
import { loadCalibrateConfig, resolvedInputs } from '../../src/calibrate/config.js';
import { increments, type ObservedWindow } from '../../src/calibrate/observed.js';
import { readCsv } from '../../src/calibrate/readCsv.js';
import { fitTidal } from '../../src/calibrate/tidalFit.js';
import { validateChart } from '../../src/calibrate/validateChart.js';
import { poisson } from '../../src/random/poisson.js';
import { stream } from '../../src/random/rng.js';
import { parseScenario } from '../../src/scenario/load.js';

const dir = mkdtempSync(join(tmpdir(), 'tidecast-cal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tidal fit', () => {
  it('finds peak, trough and peak time of a noisy daily cosine within 3% (and 10 minutes)', () => {
    const rng = stream(5, 0, 'test');
    const startS = Date.UTC(2026, 0, 5) / 1000;
    const counts = Array.from({ length: 24 * 60 }, (_, i) => {
      const tod = (i + 0.5) * 60;
      const rate = 0.5 + (3 - 0.5) * (1 + Math.cos((2 * Math.PI * (tod - 15 * 3600)) / 86400)) / 2;
      return poisson(rate * 60, rng);
    });
    const f = fitTidal(counts, startS, 60)!;
    expect(Math.abs(f.peak / 3 - 1)).toBeLessThan(0.03);
    expect(Math.abs(f.trough / 0.5 - 1)).toBeLessThan(0.03 * 6);
    expect(Math.abs(f.peakAtS - 15 * 3600)).toBeLessThan(600);
    expect(f.noise).toBeLessThan(0.05); // Poisson scatter only (what is left is the log's second-order bias)
    expect(f.r2).toBeGreaterThan(0.95);
    expect(f.bursts).toBeNull();
    // a burst: 20 minutes at twice the rate
    for (let i = 600; i < 620; i++) counts[i] *= 2;
    expect(fitTidal(counts, startS, 60)!.bursts!.factor).toBeGreaterThan(1.6);
  });
});

const win = (over: Partial<ObservedWindow> = {}): ObservedWindow => ({
  startS: 0,
  stepS: 60,
  n: 3,
  counters: { claims: Float64Array.of(100, 100, 100), warmStarts: Float64Array.of(80, 80, 80), coldStarts: Float64Array.of(20, 20, 20), overflows: Float64Array.of(1, 1, 1), rejected: Float64Array.of(0, 1, 2) },
  gauges: { running: Float64Array.of(50, 60, 70), poolReady: Float64Array.of(10, 10, 10) },
  histograms: { startLatency: { bounds: [0.1, 10, 30], counts: [240, 50, 10, 0] } },
  source: 'test',
  ...over,
});

describe('compareWindows', () => {
  it('judges latency and levels relatively, rates in points, and skips what was not observed', () => {
    const same = compareWindows(win(), [win(), win()]);
    expect(same.every((r) => r.verdict === 'pass')).toBe(true);
    const colder = win({ counters: { ...win().counters, warmStarts: Float64Array.of(77, 77, 77), coldStarts: Float64Array.of(23, 23, 23) } });
    const rows = compareWindows(win(), [colder]);
    expect(rows.find((r) => r.key === 'warmHitRate')!.verdict).toBe('fail'); // 3 points off
    expect(rows.find((r) => r.key === 'warmHitRate')!.diff).toBeCloseTo(-0.03, 10);
    // reject rate: claims refused over claims, 3 of 300 = 1%; 9 of 300 is 2 points more (passes at 2), 10 is not
    expect(same.find((r) => r.key === 'rejectRate')!.observed).toBeCloseTo(0.01, 12);
    const refusing = (k: number) => win({ counters: { ...win().counters, rejected: Float64Array.of(0, 0, k) } });
    expect(compareWindows(win(), [refusing(9)]).find((r) => r.key === 'rejectRate')!.verdict).toBe('pass');
    expect(compareWindows(win(), [refusing(10)]).find((r) => r.key === 'rejectRate')!.verdict).toBe('fail');
    const noRejected = win({ counters: { ...win().counters, rejected: undefined } });
    expect(compareWindows(noRejected, [win()]).find((r) => r.key === 'rejectRate')!.verdict).toBe('n/a');
    const noPool = win({ gauges: { running: Float64Array.of(50, 60, 70) } });
    expect(compareWindows(noPool, [win()]).find((r) => r.key === 'pool.ready')!.verdict).toBe('n/a');
    // p99 from buckets: rank 297 of 300 lies in (10, 30]: 10 + 20·(297 − 290)/10 = 24 s
    expect(same.find((r) => r.key === 'startLatency.p99')!.observed).toBeCloseTo(24, 10);
    // concurrency peak 70: a level of 77 is exactly 10% off (passes), 77.1 is not
    const hi = (v: number) => win({ gauges: { running: Float64Array.of(50, 60, v), poolReady: Float64Array.of(10, 10, 10) } });
    expect(compareWindows(win(), [hi(77)]).find((r) => r.key === 'concurrency.peak')!.verdict).toBe('pass');
    expect(compareWindows(win(), [hi(77.1)]).find((r) => r.key === 'concurrency.peak')!.verdict).toBe('fail');
  });

  it('the report chart is a pure function of the windows', () => {
    const a = validateChart(win(), [win()]);
    expect(validateChart(win(), [win()])).toEqual(a);
    const values = (a.data as { values: { source: string }[] }).values;
    expect(new Set(values.map((v) => v.source))).toEqual(new Set(['observed', 'simulated (mean of 1)']));
  });
});

describe('calibrate from windows', () => {
  it('counter resets count from zero; placeholders name the input that would fill them; the scenario loads', () => {
    expect(Array.from(increments([5, 8, 2, 4]))).toEqual([3, 2, 2]);
    const c = calibrate(win({ gauges: {}, histograms: {} }), { name: 'x', traceFile: 'x-arrivals.csv', schemaPath: '../schema/scenario.schema.json' });
    expect(c.yaml).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/scenario\.schema\.json\n/);
    expect(c.yaml).toMatch(/# placeholder: no session-duration histogram; set queries\.sessionDuration/);
    expect(c.yaml).toMatch(/# placeholder: no reserved-capacity gauge/);
    expect(c.traceCsv).toBe('time,count\n1970-01-01T00:00:00Z,100\n1970-01-01T00:01:00Z,100\n1970-01-01T00:02:00Z,100\n');
    writeFileSync(join(dir, 'x-arrivals.csv'), c.traceCsv);
    writeFileSync(join(dir, 'x.yaml'), c.yaml);
    const s = parseScenario(c.yaml.replace('path: x-arrivals.csv', `path: ${join(dir, 'x-arrivals.csv')}`), 'x.yaml');
    expect(s.duration).toBe(180);
    expect(s.infrastructure.reserved.slots).toBe(Infinity);
  });
});

describe('calibrate config and CSV input', () => {
  it('a config is validated like a scenario: file, line, key, expected', () => {
    const f = join(dir, 'cfg.yaml');
    writeFileSync(f, 'profile: kruise\n');
    expect(() => loadCalibrateConfig(f)).toThrow(/cfg\.yaml:1.*profile: expected "tidecast", "agent-sandbox" or "openkruise"/);
    writeFileSync(f, 'queries:\n  coldStart: { query: "sum by (le) (x_bucket)", unit: ms }\n');
    expect(resolvedInputs(loadCalibrateConfig(f)).coldStart).toEqual({ query: 'sum by (le) (x_bucket)', unit: 'ms' });
    expect(resolvedInputs(loadCalibrateConfig(undefined)).claims!.query).toBe('sum(tidecast_claims_total)');
    expect(resolvedInputs({ ...loadCalibrateConfig(undefined), profile: 'openkruise' }).claims!.query).toBe('sum(sandbox_claim_total)');
  });

  it('CSV: histogram columns by le, milliseconds scaled, one-line errors naming line and column', () => {
    const f = join(dir, 'w.csv');
    const inputs = resolvedInputs(loadCalibrateConfig(undefined));
    writeFileSync(f, 'time,claims,"coldStart{le=""1000""}","coldStart{le=""+Inf""}"\n0,0,0,0\n60,10,4,8\n120,25,9,20\n');
    const w = readCsv(f, inputs);
    expect(Array.from(w.counters.claims!)).toEqual([10, 15]);
    expect(w.histograms.coldStart).toEqual({ bounds: [1], counts: [9, 11] });
    writeFileSync(f, 'time,claims\n0,0\n60,x\n120,3\n');
    expect(() => readCsv(f, inputs)).toThrow(/w\.csv:3: column "claims": expected a counter of sandbox claims/);
    writeFileSync(f, 'time,claims\n0,0\n60,1\n150,3\n');
    expect(() => readCsv(f, inputs)).toThrow(/w\.csv:4: rows must be evenly spaced/);
    writeFileSync(f, 'time,claims,"coldStart{le=""1000""}"\n0,0,0\n60,1,1\n');
    expect(() => readCsv(f, inputs)).toThrow(/no column coldStart\{le="\+Inf"\}/);
  });
});

describe('validate and calibrate: bad input is one line, exit 2', () => {
  const run = (...a: string[]) => spawnSync('node', ['dist/cli/main.js', ...a], { encoding: 'utf8' });
  it.each([
    [['validate', 'scenarios/default.yaml', '--observed', 'no-such.csv'], /--csv no-such\.csv: cannot read \(no such file\)/],
    [['validate', 'scenarios/default.yaml', '--observed', 'x.csv', '--tolerance-rate', 'lots'], /--tolerance-rate: expected a non-negative number of percentage points/],
    [['calibrate', '--csv', 'x.csv', '--prometheus', 'http://x', '--out', 'y.yaml'], /give either --prometheus URL .* or --csv FILE/],
    [['calibrate', '--prometheus', 'http://127.0.0.1:9', '--start', 'soon', '--end', '0', '--out', join(dir, 'p.yaml')], /--start: expected a UTC date-time/],
  ])('%s', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
