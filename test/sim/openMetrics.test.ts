import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { runReplication } from '../../src/sim/replication.js';
import { openMetricsText } from '../../src/sim/openMetrics.js';
import { BucketHistogram } from '../../src/stats/bucketHistogram.js';
import { prepareInputs } from '../../src/workload/build.js';

const YAML = `
name: om-test
seed: 3
duration: 30m
warmup: 5m
output: { interval: 1m }
workload:
  arrivals: { poisson: { rate: 2/s } }
  sessionDuration: { lognormal: { median: 1m, p99: 5m } }
infrastructure:
  reserved: { slots: 150, coldStart: { lognormal: { median: 4s, p99: 12s } } }
  serverless: { enabled: true, coldStart: { lognormal: { median: 1s, p99: 3s } } }
  overflow: { queueThreshold: 5, waitTimeout: 5s }
  warmPool: { size: 10, claimLatency: 50ms }
`;

const dir = mkdtempSync(join(tmpdir(), 'tidecast-om-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The last sample of a series (its name and labels as written). */
function last(text: string, series: string): number {
  const lines = text.split('\n').filter((l) => l.startsWith(series + ' '));
  return Number(lines[lines.length - 1].split(' ')[1]);
}

describe('BucketHistogram', () => {
  it('counts a value in the first bucket whose bound is ≥ it (Prometheus le) and snapshots cumulatively', () => {
    const h = new BucketHistogram([1, 2, 5], 2);
    for (const x of [0.5, 1, 1.5, 2, 7]) h.record(x);
    h.snapshot();
    h.record(3);
    h.snapshot();
    h.snapshot(); // beyond the table: ignored
    const j = h.toJSON();
    expect(j.rows).toBe(2);
    expect(Array.from(j.table)).toEqual([2, 4, 4, 5, 12, 2, 4, 5, 6, 15]);
  });
});

describe('run --openmetrics', () => {
  const s = parseScenario(YAML, '<test>');
  const inputs = prepareInputs(s);
  const plain = runReplication(s, inputs, 0);
  const r = runReplication(s, inputs, 0, { exportHistograms: true });
  const text = openMetricsText(r, { startS: 1_800_000_000, scenario: 'om-test' });

  it('keeping the histograms changes nothing in the run (same draws, same order)', () => {
    expect(r.metrics).toEqual(plain.metrics);
    expect(Array.from(r.series.started)).toEqual(Array.from(plain.series.started));
  });

  it('counters end at the run totals, warm-up included; histograms count every start and cold start', () => {
    const sum = (c: Float64Array) => c.reduce((a, b) => a + b, 0);
    const arrivals = sum(r.series.arrivals);
    expect(last(text, 'tidecast_claims_total{scenario="om-test"}')).toBe(arrivals);
    const warm = last(text, 'agent_sandbox_claim_creation_total{scenario="om-test",launch_type="warm"}');
    const cold = last(text, 'agent_sandbox_claim_creation_total{scenario="om-test",launch_type="cold"}');
    expect(warm + cold).toBe(sum(r.series.started));
    expect(last(text, 'agent_sandbox_claim_startup_latency_ms_count{scenario="om-test",launch_type="warm"}')).toBe(warm);
    expect(last(text, 'agent_sandbox_claim_startup_latency_ms_count{scenario="om-test",launch_type="cold"}')).toBe(cold);
    // every warm start was a 50 ms claim: all below the 100 ms bucket
    expect(last(text, 'agent_sandbox_claim_startup_latency_ms_bucket{scenario="om-test",launch_type="warm",le="100"}')).toBe(warm);
    // a cold start per cold session (reserved or serverless); a duration per started session
    const created = last(text, 'agent_sandbox_creation_latency_ms_count{scenario="om-test",launch_type="cold"}') + last(text, 'tidecast_serverless_creation_latency_seconds_count{scenario="om-test"}');
    expect(created).toBeGreaterThanOrEqual(cold);
    expect(last(text, 'tidecast_session_duration_seconds_count{scenario="om-test"}')).toBe(sum(r.series.started));
    expect(last(text, 'tidecast_overflows_total{scenario="om-test"}')).toBe(sum(r.series.overflowed));
    expect(text.endsWith('# EOF\n')).toBe(true);
    // time 0 plus one sample per 1-minute interval
    expect(text.split('\n').filter((l) => l.startsWith('tidecast_claims_total')).length).toBe(31);
  });

  it('the export is byte-identical for the same run', () => {
    expect(openMetricsText(runReplication(s, inputs, 0, { exportHistograms: true }), { startS: 1_800_000_000, scenario: 'om-test' })).toBe(text);
  });

  it.runIf(existsSync('/usr/bin/promtool'))('promtool backfills it into TSDB blocks', () => {
    const file = join(dir, 'run.om');
    writeFileSync(file, text);
    const out = execFileSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'tsdb')], { encoding: 'utf8' });
    expect(out).toMatch(/BLOCK ULID/);
  });

  it('the CLI writes the file and refuses a bad start time (exit 2, one line)', () => {
    const sc = join(dir, 'om.yaml');
    writeFileSync(sc, YAML);
    const file = join(dir, 'cli.om');
    const ok = spawnSync('node', ['dist/cli/main.js', 'run', sc, '--openmetrics', file, '--openmetrics-start', '2026-12-01T00:00:00Z', '--quiet', '--workers', '0'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^tidecast_claims_total\{scenario="om-test"\} 0 1796083200$/m);
    const bad = spawnSync('node', ['dist/cli/main.js', 'run', sc, '--openmetrics', file, '--openmetrics-start', 'yesterday'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--openmetrics-start: expected/);
  });
});
